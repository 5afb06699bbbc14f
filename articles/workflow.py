"""Who may do what to a story: the rules the admin, its actions and the services all ask."""

from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError

from .models import Article

Status = Article.Status
# Statuses in which a story's own author (without editor rights) may still change it.
AUTHOR_EDITABLE = {Status.DRAFT, Status.IN_REVIEW}


class Transition(StrEnum):
    SUBMIT = "submit"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    EMBARGO = "embargo"
    UNPUBLISH = "unpublish"

    @property
    def label(self) -> str:
        return {
            "submit": "Submit for review",
            "publish": "Publish now",
            "schedule": "Schedule",
            "embargo": "Embargo",
            "unpublish": "Unpublish",
        }[self.value]

    @property
    def reason(self) -> str:
        """The change reason recorded on the revision this transition makes."""
        return {
            "submit": "Submitted for review",
            "publish": "Published",
            "schedule": "Scheduled",
            "embargo": "Embargoed",
            "unpublish": "Unpublished",
        }[self.value]


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


def can_edit(user, article: Article) -> bool:
    """Editors change every story; a journalist only their own drafts and stories in review."""
    if not user.has_perm("articles.change_article"):
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    if article.pk is None:
        return True
    return article.author_id == user.pk and article.status in AUTHOR_EDITABLE


def _state_allows(article: Article, transition: Transition) -> bool:
    if transition is Transition.SUBMIT:
        return article.status in (Status.DRAFT, Status.UNPUBLISHED)
    if transition is Transition.EMBARGO:
        return article.status == Status.IN_REVIEW  # an embargo is agreed on a reviewed story
    if transition is Transition.PUBLISH:
        return not article.is_public and not article.under_embargo
    if transition is Transition.SCHEDULE:
        return not article.is_public
    return article.status == Status.PUBLISHED  # unpublish: live or scheduled


def transition_check(user, article: Article, transition: Transition) -> None:
    """Raise PermissionDenied or ValidationError unless `user` may apply `transition` now."""
    if transition is Transition.SUBMIT:
        allowed = can_edit(user, article)
    else:
        allowed = can_publish(user) and can_edit(user, article)
    if not allowed:
        raise PermissionDenied(f"You may not {transition.label.lower()} “{article}”.")
    if not _state_allows(article, transition):
        raise ValidationError(
            "“%(story)s” is %(status)s: it cannot be %(action)s.",
            code="invalid_transition",
            params={
                "story": article,
                "status": status_label(article).lower(),
                "action": transition.reason.lower(),
            },
        )


def transitions_allowed(user, article: Article) -> list[Transition]:
    """The transitions to offer `user` for `article`, in the order buttons show them."""
    allowed = []
    for transition in Transition:
        try:
            transition_check(user, article, transition)
        except (PermissionDenied, ValidationError):
            continue
        allowed.append(transition)
    return allowed


def status_label(article: Article) -> str:
    """The status as the newsroom says it: a published story with a future time is scheduled."""
    if article.status == Status.PUBLISHED and article.under_embargo:
        return "Embargoed"
    if article.status == Status.PUBLISHED and not article.is_public:
        return "Scheduled"
    return article.get_status_display()

"""Writes for stories live here; views, admin and commands call these functions."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from newsroom import roles

from . import demo, workflow
from .models import Article, Category
from .tasks import send_trackbacks
from .trackbacks import parse_targets
from .workflow import Transition

# What a revision restores: the story's words and section. Status and time only ever change
# through the workflow transitions below, and the slug keeps the public URL stable.
RESTORED_FIELDS = ["title", "standfirst", "body", "category_id", "byline"]


def _locked(article: Article) -> Article:
    """The stored state of `article`, locked until the transaction ends (itself when new)."""
    if article.pk is None:
        return article
    return Article.objects.select_for_update().get(pk=article.pk)


def _transition(article: Article, by: AbstractBaseUser, transition: Transition) -> Article:
    # Rules are checked against the stored row, never against unsaved edits in `article`.
    workflow.transition_check(by, _locked(article), transition)
    return article


@transaction.atomic
def article_save(*, article: Article, by: AbstractBaseUser, reason: str | None = None) -> Article:
    """Save a story as `by`, keeping a revision that names them."""
    if not workflow.can_edit(by, _locked(article)):
        raise PermissionDenied(f"You may not change “{article}”.")
    if article.pk is None and article.author_id is None:
        article.author = by
    _save(article, by, reason)
    return article


def _save(article: Article, by: AbstractBaseUser, reason: str | None) -> None:
    article._history_user = by
    article._change_reason = reason
    article.save()


@transaction.atomic
def article_submit(*, article: Article, by: AbstractBaseUser) -> Article:
    """Send a draft to the editors for review."""
    _transition(article, by, Transition.SUBMIT)
    if article.pk is None and article.author_id is None:
        article.author = by
    article.status = Article.Status.IN_REVIEW
    _save(article, by, Transition.SUBMIT.reason)
    return article


@transaction.atomic
def article_publish(*, article: Article, by: AbstractBaseUser) -> Article:
    """Make a story public now."""
    stored = _locked(article)
    workflow.transition_check(by, stored, Transition.PUBLISH)
    now = timezone.now()
    # A story that was live before keeps its date, and so its URL; anything else goes out now.
    was_live = (
        stored.status == Article.Status.UNPUBLISHED
        and stored.published_at is not None
        and stored.published_at <= now
    )
    article.status = Article.Status.PUBLISHED
    article.published_at = stored.published_at if was_live else now
    if article.pk is None and article.author_id is None:
        article.author = by
    _save(article, by, Transition.PUBLISH.reason)
    return article


@transaction.atomic
def article_schedule(*, article: Article, by: AbstractBaseUser, at: datetime) -> Article:
    """Release a story to go public by itself at `at`, a time still to come."""
    _transition(article, by, Transition.SCHEDULE)
    if at is None or at <= timezone.now():
        raise ValidationError(
            {"published_at": "Choose a time in the future to schedule the story."},
            code="past",
        )
    article.status = Article.Status.PUBLISHED
    article.published_at = at
    if article.pk is None and article.author_id is None:
        article.author = by
    _save(article, by, f"{Transition.SCHEDULE.reason} for {timezone.localtime(at):%Y-%m-%d %H:%M}")
    return article


@transaction.atomic
def article_unpublish(*, article: Article, by: AbstractBaseUser) -> Article:
    """Take a live or scheduled story away from the public."""
    _transition(article, by, Transition.UNPUBLISH)
    article.status = Article.Status.UNPUBLISHED
    _save(article, by, Transition.UNPUBLISH.reason)
    return article


@transaction.atomic
def article_apply(
    *, article: Article, by: AbstractBaseUser, transition: Transition, at: datetime | None = None
) -> Article:
    """Apply a transition chosen by name (admin buttons and actions)."""
    if transition is Transition.SCHEDULE:
        return article_schedule(article=article, by=by, at=at)
    service = {
        Transition.SUBMIT: article_submit,
        Transition.PUBLISH: article_publish,
        Transition.UNPUBLISH: article_unpublish,
    }[transition]
    return service(article=article, by=by)


@transaction.atomic
def article_revision_restore(
    *, article: Article, revision_id: int, by: AbstractBaseUser
) -> Article:
    """Bring back a revision's words and section; the restore is itself a new revision."""
    stored = _locked(article)
    if not workflow.can_edit(by, stored):
        raise PermissionDenied(f"You may not change “{stored}”.")
    revision = stored.history.filter(history_id=revision_id).first()
    if revision is None:
        raise ValidationError("That revision does not belong to this story.", code="unknown")
    if not Category.objects.filter(pk=revision.category_id).exists():
        raise ValidationError(
            "The section of that revision no longer exists; pick a section and edit by hand.",
            code="gone",
        )
    for name in RESTORED_FIELDS:
        setattr(stored, name, getattr(revision, name))
    when = timezone.localtime(revision.history_date)
    _save(stored, by, f"Restored revision {revision.history_id} of {when:%Y-%m-%d %H:%M}")
    return stored


@dataclass
class DemoLoadResult:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@transaction.atomic
def demo_load(*, with_users: bool) -> DemoLoadResult:
    """Load the demo newsroom. Idempotent: what exists is left exactly as it is."""
    result = DemoLoadResult()
    categories = {}
    for position, (name, slug, description) in enumerate(demo.CATEGORIES):
        category, created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        categories[slug] = category
        if created:
            result.created.append(f"category {slug}")

    groups = roles.roles_ensure()
    author = None
    if with_users:
        author = _demo_users_ensure(groups, result)

    seed = demo.parse_seed_page(demo.SEED_PAGE.read_text(encoding="utf-8"))
    seed_category = next(c for c in categories.values() if c.name == seed.category)
    stories = [
        dict(
            slug="japan-indonesia-automotive-cooperation",
            title=seed.title,
            category=seed_category,
            standfirst="",
            body="\n\n".join(seed.paragraphs),
            status=Article.Status.PUBLISHED,
            published_at=demo.seed_published_at(),
        )
    ]
    more = [(*story[:5], Article.Status.PUBLISHED, demo.story_time(story[5]))
            for story in demo.STORIES]  # fmt: skip
    more.append((*demo.DRAFT, Article.Status.DRAFT, None))
    more.append((*demo.SCHEDULED, Article.Status.PUBLISHED, demo.scheduled_time()))
    for slug, title, category, standfirst, body, status, published_at in more:
        stories.append(
            dict(
                slug=slug,
                title=title,
                category=categories[category],
                standfirst=standfirst,
                body=body,
                status=status,
                published_at=published_at,
            )
        )

    for fields in stories:
        slug = fields.pop("slug")
        _, created = Article.objects.get_or_create(slug=slug, defaults={**fields, "author": author})
        if created:
            result.created.append(f"story {slug}")
    return result


def _demo_users_ensure(groups, result):
    User = get_user_model()
    journalist = None
    for username, password, role, full_name in demo.DEMO_USERS:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_staff": role in ("editor", "journalist"),
                "is_superuser": role == "editor",
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            result.created.append(f"user {username}")
        if role == "editor":
            user.groups.add(groups[roles.EDITORS])
        elif role == "journalist":
            user.groups.add(groups[roles.JOURNALISTS])
            journalist = user
        result.logins.append((role, username, password))
    return journalist


def article_trackbacks_queue(*, article: Article) -> bool:
    """Have the story's trackbacks sent after this transaction: now, or when it goes live.

    A slow or dead remote site never holds up or fails the save that publishes the story.
    """
    if not parse_targets(article.trackback_targets):
        return False
    if article.is_public:
        transaction.on_commit(partial(send_trackbacks.enqueue, article.pk))
        return True
    scheduled = article.status == Article.Status.PUBLISHED and article.published_at is not None
    if scheduled and default_task_backend.supports_defer:
        deferred = send_trackbacks.using(run_after=article.published_at)
        transaction.on_commit(partial(deferred.enqueue, article.pk))
        return True
    return False  # `manage.py send_trackbacks` (cron) catches scheduled stories up

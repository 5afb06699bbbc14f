"""Writes for stories live here; views, admin and commands call these functions.

Each service does the whole write, whichever door it comes through: the revision, the lead
image's size and renditions, discarding files it replaced once the transaction commits, and the
`story_published` signal when a story goes out (the linkbacks app then tells the pages it links).
"""

import logging
from datetime import datetime
from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import authors, images, redirects, workflow
from .models import Article, Category, DraftRevision, ReviewNote
from .signals import story_published, story_withdrawn
from .workflow import Transition

logger = logging.getLogger(__name__)

# What a revision restores: the story's words and section. Status and time only ever change
# through the workflow transitions below, and the slug keeps the public URL stable.
RESTORED_FIELDS = ["title", "standfirst", "body", "category_id", "byline"]


def _stored(article: Article) -> Article | None:
    """The stored row of `article`, locked until the transaction ends; None for a new story."""
    if article.pk is None:
        return None
    return Article.objects.select_for_update().get(pk=article.pk)


def _transition(article: Article, by: AbstractBaseUser, transition: Transition) -> Article | None:
    """Check `transition` against the stored row (never unsaved edits); return that row."""
    stored = _stored(article)
    workflow.transition_check(by, stored or article, transition)
    return stored


def _author_default(article: Article, by: AbstractBaseUser) -> None:
    """A new story's author is whoever creates it, unless one was chosen."""
    if article.pk is None and article.author_id is None:
        article.author = by


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal tied to one field, keeping its code so each form can word it its own way."""
    return ValidationError({field: ValidationError(message, code=code)})


def _image_size_keep(article: Article, stored: Article | None) -> None:
    """Keep the image's size on the row: pages compute renditions from it without I/O."""
    if not article.image:
        article.image_width = article.image_height = article.image_social_bytes = None
        return
    replaced = stored is None or article.image.name != stored.image.name
    if replaced or not article.image_width or not article.image_height:
        _image_measure(article)


def _image_measure(article: Article) -> None:
    try:
        images.image_measure(article)
    except ValidationError as error:
        raise ValidationError({"image": error.error_list}) from None
    except OSError:
        raise _field_error(
            "image", "The stored image file cannot be read; upload it again.", "unreadable"
        ) from None


def _image_files_settle(article: Article, stored: Article | None) -> None:
    """Make the renditions now; once committed, discard what the save made useless."""
    old_name = stored.image.name if stored is not None else ""
    if article.image and article.image.name == old_name:
        # The picture was there before: a storage fault must never block a takedown or a
        # publish; `make_renditions` repairs what is missing once the files are back.
        try:
            images.renditions_ensure(article)
        except OSError as error:
            logger.warning("Renditions of %s not made: %s", article.image.name, error)
    elif article.image:
        images.renditions_ensure(article)
    _social_bytes_keep(article)
    if not old_name:
        return
    if old_name != article.image.name:
        transaction.on_commit(partial(images.image_discard, old_name))
        return
    # Same picture, new focal point: the old crops are of no use any more.
    current = set(images.crop_names(article))
    for stale in images.crop_names(article, stored.image_focal_x, stored.image_focal_y):
        if stale not in current:
            transaction.on_commit(partial(images.rendition_discard, stale))


def _social_bytes_keep(article: Article) -> None:
    """Record the social card's size (the feeds' enclosure length) when it changed: a new
    picture or focal point makes a new card; one query then, none otherwise."""
    if not article.image:
        return
    size = images.social_card_bytes(article)
    if size is not None and size != article.image_social_bytes:
        article.image_social_bytes = size
        Article.objects.filter(pk=article.pk).update(image_social_bytes=size)


def _save(
    article: Article, by: AbstractBaseUser, reason: str | None, *, stored: Article | None
) -> None:
    """Write the story as `by` with its revision, author and image files."""
    _author_default(article, by)
    _image_size_keep(article, stored)
    old_path = redirects.was_public_at(stored)
    article._history_user = by
    article._change_reason = reason
    article.save()
    # The old address of a story that was public keeps answering, with 301 to the new one.
    redirects.redirect_record(article, old_path, by)
    # What `by` typed and the form autosaved is now saved for real (or deliberately left).
    DraftRevision.objects.filter(
        article=None if stored is None else article, user=by, kind=DraftRevision.Kind.AUTOSAVE
    ).delete()
    _image_files_settle(article, stored)
    if article.author_id is not None:
        authors.author_profile_ensure(user=article.author)  # their page, once a story is theirs


def _publication_time_check(article: Article, stored: Article | None) -> None:
    """A published story keeps a time; a live one moves into the future only by unpublishing."""
    if article.status != Article.Status.PUBLISHED:
        return
    at = article.published_at
    if at is None:
        raise _field_error(
            "published_at",
            "A published story needs a time; use Unpublish to withdraw it.",
            "no_time",
        )
    if article.embargo_until is not None and at < article.embargo_until:
        raise _field_error(
            "published_at",
            f"The story is under embargo until "
            f"{timezone.localtime(article.embargo_until):%Y-%m-%d %H:%M}; "
            "it cannot go public before then.",
            "embargo",
        )
    moved = stored is not None and at != stored.published_at
    if moved and stored.is_public and at > timezone.now():
        raise _field_error(
            "published_at",
            "To move a live story into the future, unpublish it, then schedule.",
            "live_to_future",
        )


def _workflow_fields_check(article: Article, stored: Article | None, by: AbstractBaseUser) -> None:
    """A plain save changes no status, and only editors set a time or another author."""
    if article.status != (stored.status if stored else Article.Status.DRAFT):
        raise PermissionDenied(
            "A story's status changes only through submit, publish, schedule and unpublish."
        )
    if workflow.can_publish(by):
        return
    was_at = stored.published_at if stored else None
    was_author = stored.author_id if stored else None
    if article.published_at != was_at or article.author_id not in (was_author, None, by.pk):
        raise PermissionDenied("Only editors set a story's publication time or author.")


@transaction.atomic
def article_save(*, article: Article, by: AbstractBaseUser, reason: str | None = None) -> Article:
    """Save a story as `by`, keeping a revision that names them."""
    stored = _stored(article)
    if not workflow.can_edit(by, stored or article):
        raise PermissionDenied(f"You may not change “{article}”.")
    _workflow_fields_check(article, stored, by)
    _publication_time_check(article, stored)
    _save(article, by, reason, stored=stored)
    story_published.send(sender=Article, story=article)
    return article


@transaction.atomic
def article_submit(*, article: Article, by: AbstractBaseUser) -> Article:
    """Send a draft to the editors for review."""
    stored = _transition(article, by, Transition.SUBMIT)
    article.status = Article.Status.IN_REVIEW
    _save(article, by, Transition.SUBMIT.reason, stored=stored)
    # Submitted again: the editor's notes from sending it back have been answered.
    ReviewNote.objects.filter(article=article, resolved_at=None).update(resolved_at=timezone.now())
    return article


@transaction.atomic
def article_return(*, article: Article, by: AbstractBaseUser, note: str) -> ReviewNote:
    """An editor sends a story in review back to its journalist, as a draft, with a note."""
    stored = _stored(article)
    if not (workflow.can_publish(by) and workflow.can_edit(by, stored)):
        raise PermissionDenied(f"You may not send “{stored}” back.")
    if stored.status != Article.Status.IN_REVIEW:
        raise ValidationError("Only a story in review can be sent back.", code="not_in_review")
    if not note.strip():
        raise _field_error("note", "Write a note saying what to change.", "no_note")
    stored.status = Article.Status.DRAFT
    _save(stored, by, "Sent back to the journalist", stored=stored)
    return ReviewNote.objects.create(article=stored, note=note.strip(), by=by)


@transaction.atomic
def article_publish(*, article: Article, by: AbstractBaseUser) -> Article:
    """Make a story public now, and send its trackbacks once that is committed."""
    stored = _transition(article, by, Transition.PUBLISH)
    now = timezone.now()
    # A story that was live before keeps its date, and so its URL; anything else goes out now.
    was_live = (
        stored is not None
        and stored.status == Article.Status.UNPUBLISHED
        and stored.published_at is not None
        and stored.published_at <= now
    )
    article.status = Article.Status.PUBLISHED
    article.published_at = stored.published_at if was_live else now
    _save(article, by, Transition.PUBLISH.reason, stored=stored)
    story_published.send(sender=Article, story=article)
    return article


@transaction.atomic
def article_schedule(*, article: Article, by: AbstractBaseUser, at: datetime | None) -> Article:
    """Release a story to go public by itself at `at`, a time still to come."""
    stored = _transition(article, by, Transition.SCHEDULE)
    # The one place this rule lives; the admin's forms show this error as their own.
    if at is None or at <= timezone.now():
        raise _field_error(
            "published_at", "Choose a time in the future to schedule the story.", "past"
        )
    if article.under_embargo and at < article.embargo_until:
        raise _field_error(
            "published_at", "Choose a time after the story's embargo ends.", "embargo"
        )
    article.status = Article.Status.PUBLISHED
    article.published_at = at
    reason = f"{Transition.SCHEDULE.reason} for {timezone.localtime(at):%Y-%m-%d %H:%M}"
    _save(article, by, reason, stored=stored)
    story_published.send(sender=Article, story=article)
    return article


@transaction.atomic
def article_embargo(*, article: Article, by: AbstractBaseUser, at: datetime | None) -> Article:
    """Hold a reviewed story from everyone until `at`, when it goes public by itself."""
    stored = _transition(article, by, Transition.EMBARGO)
    if at is None or at <= timezone.now():
        raise _field_error(
            "published_at", "Choose a time in the future for the embargo to end.", "past"
        )
    article.status = Article.Status.PUBLISHED
    article.published_at = article.embargo_until = at
    reason = f"{Transition.EMBARGO.reason} until {timezone.localtime(at):%Y-%m-%d %H:%M}"
    _save(article, by, reason, stored=stored)
    story_published.send(sender=Article, story=article)  # told at the embargo's end
    return article


@transaction.atomic
def article_unpublish(*, article: Article, by: AbstractBaseUser) -> Article:
    """Take a live or scheduled story away from the public."""
    stored = _transition(article, by, Transition.UNPUBLISH)
    article.status = Article.Status.UNPUBLISHED
    _save(article, by, Transition.UNPUBLISH.reason, stored=stored)
    story_withdrawn.send(sender=Article, story=article)
    return article


@transaction.atomic
def article_apply(
    *, article: Article, by: AbstractBaseUser, transition: Transition, at: datetime | None = None
) -> Article:
    """Apply a transition chosen by name (admin buttons and actions)."""
    if transition is Transition.SCHEDULE:
        return article_schedule(article=article, by=by, at=at)
    if transition is Transition.EMBARGO:
        return article_embargo(article=article, by=by, at=at)
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
    stored = _stored(article)
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
    # Only words change: the image files stay as they are (the row is its own "before").
    _save(
        stored,
        by,
        f"Restored revision {revision.history_id} of {when:%Y-%m-%d %H:%M}",
        stored=stored,
    )
    return stored


@transaction.atomic
def article_delete(*, article: Article, by: AbstractBaseUser) -> None:
    """Delete a story; once that is committed, its image and renditions go too."""
    stored = _stored(article)
    if stored is None:
        return
    if not (by.has_perm("articles.delete_article") and workflow.can_edit(by, stored)):
        raise PermissionDenied(f"You may not delete “{stored}”.")
    if stored.corrections.exists():
        # Its corrections stay public; unpublishing keeps a page that says it was withdrawn.
        raise PermissionDenied(f"“{stored}” carries corrections: unpublish it instead.")
    article._history_user = by
    story_withdrawn.send(sender=Article, story=stored)  # before the row goes: its id is known
    article.delete()
    if stored.image:
        transaction.on_commit(partial(images.image_discard, stored.image.name))


@transaction.atomic
def article_renditions_ensure(*, article: Article) -> list[str]:
    """Repair a row written around the services (an import): record its size, make renditions."""
    if not article.image:
        return []
    if not article.image_width or not article.image_height:
        _image_measure(article)
        Article.objects.filter(pk=article.pk).update(
            image_width=article.image_width, image_height=article.image_height
        )
    made = images.renditions_ensure(article)
    _social_bytes_keep(article)
    return made

"""Words that are not public yet: pending changes to a live story, autosaved form text, and
images uploaded for bodies. Writes are the services below; `draft_*` functions only read.

Pending changes are one per story: an editor saves them instead of the live story, previews
them, and publishes them through `article_save` (a revision like any other save). Autosaved text
is one per story and user; it is offered when that user reopens the form and is never read by
any service that publishes (`services._save` deletes it once the user saves for real).
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from PIL import Image

from . import body_images, images, services, workflow
from .models import Article, BodyImage, Category, DraftRevision
from .revisions import latest_revision, user_text, when_text

Kind = DraftRevision.Kind
# What a draft holds: the words and section, as a revision restore does.
DRAFT_FIELDS = ["title", "standfirst", "body", "byline"]
AUTOSAVE_MAX_CHARS = {"title": 200, "standfirst": 5_000, "body": 500_000, "byline": 200}


def draft_for(article: Article | None, kind: str, user: AbstractBaseUser | None = None):
    """The story's pending changes, or `user`'s autosaved text of it (of a story not created
    yet when `article` is None); None if there is none."""
    drafts = DraftRevision.objects.filter(article=article, kind=kind).select_related("user")
    if kind == Kind.AUTOSAVE:
        drafts = drafts.filter(user=user)
    return drafts.first()


def draft_differs(article: Article, draft: DraftRevision) -> bool:
    """Whether the draft says anything the stored story does not."""
    changed = any(getattr(draft, name) != getattr(article, name) for name in DRAFT_FIELDS)
    return changed or (draft.category_id is not None and draft.category_id != article.category_id)


def draft_apply(article: Article, draft: DraftRevision) -> Article:
    """Put the draft's words on `article` in memory (a preview, a form); nothing is saved."""
    for name in DRAFT_FIELDS:
        setattr(article, name, getattr(draft, name))
    if draft.category_id is not None:
        article.category_id = draft.category_id
        article.__dict__.pop("category", None)
        article._state.fields_cache.pop("category", None)
    article.stored_text_refresh()
    return article


def _stored(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _draft_values(article: Article) -> dict:
    values = {name: getattr(article, name) for name in DRAFT_FIELDS}
    values["category_id"] = article.category_id
    latest = latest_revision(article)
    values["base_revision"] = latest.history_id if latest else None
    return values


def pending_token(draft: DraftRevision | None) -> str:
    """Which pending changes a form showed ("" for none): publishing or replacing them checks it."""
    return draft.saved_at.isoformat() if draft is not None else ""


def _pending_seen_check(current: DraftRevision | None, seen: str | None) -> None:
    """Refuse when the pending changes are not those the user saw (None: no form, no check)."""
    if seen is None or current is None or pending_token(current) == seen:
        return
    raise ValidationError(
        "The pending changes were saved again by %(who)s on %(when)s since you opened this "
        "page. Open them (Edit them) and check them first.",
        code="pending_moved",
        params={"who": user_text(current.user), "when": when_text(current.saved_at)},
    )


@transaction.atomic
def pending_save(
    *, article: Article, by: AbstractBaseUser, seen: str | None = None
) -> DraftRevision:
    """Keep the words of `article` (a live story, edited) as its pending changes: readers keep
    seeing the live version until `pending_publish`. `seen`: the `pending_token` of the pending
    changes the form was opened on; others kept since are never silently replaced."""
    stored = _stored(article)
    if not workflow.can_propose(by, stored):
        raise PermissionDenied(f"You may not change “{stored}”.")
    if not stored.is_public:
        raise ValidationError(
            "Only a live story keeps pending changes; save this one as usual.", code="not_live"
        )
    _pending_seen_check(draft_for(stored, Kind.PENDING), seen)
    draft, _ = DraftRevision.objects.update_or_create(
        article=stored, kind=Kind.PENDING, defaults={"user": by, **_draft_values(article)}
    )
    DraftRevision.objects.filter(article=stored, user=by, kind=Kind.AUTOSAVE).delete()
    return draft


@transaction.atomic
def pending_publish(*, article: Article, by: AbstractBaseUser, seen: str | None = None) -> Article:
    """Make the story's pending changes its live words (a new revision; pages are renewed).
    `seen`: the `pending_token` of the changes the editor looked at; others are not published."""
    stored = _stored(article)
    draft = draft_for(stored, Kind.PENDING)
    if draft is None:
        raise ValidationError("This story has no pending changes.", code="no_pending")
    _pending_seen_check(draft, seen)
    latest = latest_revision(stored)
    if latest is not None and draft.base_revision not in (None, latest.history_id):
        # Publishing would silently undo that save: the same rule as two people in one form.
        raise ValidationError(
            "The live story was saved by %(who)s on %(when)s, after these pending changes were "
            "kept. Open them (Edit them), check, and save them as pending changes again.",
            code="stale",
            params={"who": user_text(latest.history_user), "when": when_text(latest.history_date)},
        )
    if draft.category_id is not None and not Category.objects.filter(pk=draft.category_id).exists():
        draft.category_id = None  # the section was deleted meanwhile: keep the live one
    draft_apply(stored, draft)
    services.article_save(article=stored, by=by, reason="Published pending changes")
    draft.delete()
    return stored


@transaction.atomic
def pending_discard(*, article: Article, by: AbstractBaseUser) -> None:
    """Throw the story's pending changes away; the live story is untouched."""
    stored = _stored(article)
    if not workflow.can_propose(by, stored):
        raise PermissionDenied(f"You may not change “{stored}”.")
    DraftRevision.objects.filter(article=stored, kind=Kind.PENDING).delete()


def _autosave_values(data, defaults: dict) -> dict:
    values = {}
    for name, limit in AUTOSAVE_MAX_CHARS.items():
        value = str(data.get(name, defaults[name]))
        if len(value) > limit:
            raise ValidationError(
                "%(field)s is too long to keep (%(limit)s characters at most).",
                code="too_long",
                params={"field": name, "limit": limit},
            )
        values[name] = value.replace("\r\n", "\n").replace("\r", "\n")  # as the form keeps it
    return values


@transaction.atomic
def autosave_store(*, article: Article, by: AbstractBaseUser, data) -> DraftRevision:
    """Keep what `by` has typed in the story's form so far; nothing public changes."""
    stored = _stored(article)
    if not workflow.can_propose(by, stored):
        raise PermissionDenied(f"You may not change “{stored}”.")
    values = _autosave_values(data, {name: getattr(stored, name) for name in DRAFT_FIELDS})
    latest = latest_revision(stored)
    saved, _ = DraftRevision.objects.update_or_create(
        article=stored,
        kind=Kind.AUTOSAVE,
        user=by,
        defaults={
            **values,
            "category_id": stored.category_id,
            "base_revision": latest.history_id if latest else None,
        },
    )
    return saved


@transaction.atomic
def autosave_new_store(*, by: AbstractBaseUser, data) -> DraftRevision:
    """Keep what `by` has typed into a story not created yet (the add form); one per user."""
    if not by.has_perm("articles.add_article"):
        raise PermissionDenied("You may not write stories.")
    values = _autosave_values(data, dict.fromkeys(DRAFT_FIELDS, ""))
    saved, _ = DraftRevision.objects.update_or_create(
        article=None, kind=Kind.AUTOSAVE, user=by, defaults=values
    )
    return saved


def autosave_discard(*, article: Article | None, by: AbstractBaseUser) -> None:
    """Forget `by`'s autosaved text of the story (None: of the story they were starting)."""
    DraftRevision.objects.filter(article=article, user=by, kind=Kind.AUTOSAVE).delete()


def body_image_add(*, upload, alt: str, by: AbstractBaseUser) -> BodyImage:
    """Store an image for story bodies, checked as lead images are; alt text is required."""
    if not by.has_perm("articles.add_bodyimage"):
        raise PermissionDenied("You may not upload images.")
    if not (alt or "").strip():
        raise ValidationError({"alt": "Describe the image for readers who cannot see it."})
    try:
        info = images.image_inspect(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.error_list}) from None
    # The stored name carries the oriented size: pages compute `srcset` from the address alone.
    upload.name = body_images.sized_name("image", info.width, info.height, info.extension)
    upload.content_type = Image.MIME[info.format]
    image = BodyImage.objects.create(image=upload, alt=alt.strip(), uploaded_by=by)
    body_images.renditions_make(image.image.name, info.width)
    return image

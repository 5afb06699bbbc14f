"""Corrections: appended to a live story, kept in its history, never changed; and in plain text."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import workflow
from .models import Article, Correction

# How many characters of the correction the revision reason carries.
REASON_WORDS = 70  # the revision reason holds 100 characters


@transaction.atomic
def correction_add(*, article: Article, by: AbstractBaseUser, wrong: str, right: str) -> Correction:
    """Append a correction to a live story: its page, feeds and API show it from now on.

    The story gets a revision that names the correction (its history keeps it), and its
    modification time moves, so `dateModified`, the feeds' `updated` and every stored page
    change with it (the story's save changes the page versions, told as story_changed).
    """
    stored = Article.objects.select_for_update().get(pk=article.pk)
    if not workflow.can_publish(by):
        raise PermissionDenied(f"You may not correct “{stored}”.")
    if not stored.is_public:
        raise ValidationError(
            "Only a published story can be corrected; edit it before it goes public.",
            code="not_public",
        )
    wrong, right = wrong.strip(), right.strip()
    errors = {}
    if not wrong:
        errors["wrong"] = ValidationError("Say what the story got wrong.", code="required")
    if not right:
        errors["right"] = ValidationError("Say what is right.", code="required")
    if errors:
        raise ValidationError(errors)
    correction = Correction.objects.create(
        article=stored, wrong=wrong, right=right, created_by=by, created_at=timezone.now()
    )
    # The count alone, by UPDATE: Article.save() never writes it (see the model).
    Article.objects.filter(pk=stored.pk).update(corrections_count=F("corrections_count") + 1)
    stored.corrections_count += 1
    summary = right if len(right) <= REASON_WORDS else right[: REASON_WORDS - 1] + "…"
    stored._history_user = by
    stored._change_reason = f"Correction {correction.pk}: {summary}"
    stored.save(update_fields=["updated_at"])
    return correction


def correction_text(correction) -> str:
    """A correction in one line of plain text: what is right, and what the story said."""
    return f"{correction.right} (The story said: {correction.wrong})"

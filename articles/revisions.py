"""Revisions of a story as people read them: labels, values to compare, and edit conflicts."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format

from guards.params import parse_id

from . import workflow
from .diffs import FieldDiff, version_diffs
from .models import Article, Category

# What a revision shows and compares, with the label readers of the diff see.
REVISION_FIELDS = {
    "title": "Title",
    "standfirst": "Standfirst",
    "body": "Body",
    "category": "Section",
    "byline": "Byline",
    "status": "Status",
    "published_at": "Publication time",
}


def when_text(moment) -> str:
    """Format a moment in the site's time zone, as the newsroom reads dates."""
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def user_text(user) -> str:
    """Name a revision's author, or "someone" when unknown."""
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def latest_revision(article: Article):
    """Return the story's newest revision (with its author), or None."""
    return article.history.select_related("history_user").order_by("-history_id").first()


def revision_values(revision, categories: dict[int, str]) -> dict[str, str]:
    """Turn a revision (or a story) into the strings a diff compares."""
    status = Article(status=revision.status, published_at=revision.published_at)
    return {
        "title": revision.title,
        "standfirst": revision.standfirst,
        "body": revision.body,
        "category": categories.get(revision.category_id, "(a section since deleted)"),
        "byline": revision.byline,
        "status": workflow.status_label(status),
        "published_at": when_text(revision.published_at) if revision.published_at else "",
    }


def category_names(*records) -> dict[int, str]:
    """Map the section ids of these revisions or stories to their names, in one query."""
    ids = {record.category_id for record in records if record is not None}
    return dict(Category.objects.filter(pk__in=ids).values_list("pk", "name"))


@dataclass(frozen=True)
class Conflict:
    """Someone saved the story after the editor opened it: who, when, and what they changed."""

    by: str
    at: datetime
    latest_id: int
    diffs: list[FieldDiff]


def revision_conflict(article: Article, base_revision: str) -> Conflict | None:
    """Compare the revision an editor started from with the newest one; None when unchanged."""
    if article.pk is None:
        return None
    latest = latest_revision(article)
    if latest is None or base_revision == str(latest.history_id):
        return None
    base = None
    if (base_id := parse_id(base_revision)) is not None:
        base = article.history.filter(history_id=base_id).first()
    categories = category_names(base, latest)
    before = revision_values(base, categories) if base else {}
    after = revision_values(latest, categories)
    return Conflict(
        by=user_text(latest.history_user),
        at=latest.history_date,
        latest_id=latest.history_id,
        diffs=[d for d in version_diffs(before, after, REVISION_FIELDS) if d.changed],
    )

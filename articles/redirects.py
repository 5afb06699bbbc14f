"""Addresses that never break: a live story's old paths answer 301 to where it is now."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from . import workflow
from .models import Article, StoryRedirect


def was_public_at(stored: Article | None) -> str | None:
    """The path under which the stored row has been public, or None if it never was."""
    if stored is None or stored.published_at is None or stored.published_at > timezone.now():
        return None
    if stored.status not in (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED):
        return None
    return stored.get_absolute_url()


def redirect_record(article: Article, old_path: str | None, by: AbstractBaseUser | None) -> None:
    """After a save: if the story's address moved from `old_path`, keep the old one as a redirect.

    Called by the services that save a story (inside their transaction). A path the story has
    now (renamed back) stops being a redirect; one that led elsewhere now leads here.
    """
    new_path = article.get_absolute_url()
    if old_path is None or old_path == new_path:
        return
    StoryRedirect.objects.filter(old_path=new_path).delete()
    StoryRedirect.objects.update_or_create(
        old_path=old_path, defaults={"article": article, "created_by": by}
    )


def normalise_path(value: str) -> str:
    """A site path as the redirect table keeps it: `/a/b/`, no host, query or fragment."""
    path = value.strip().split("#", 1)[0].split("?", 1)[0]
    if "://" in path or path.startswith("//"):
        path = "/" + path.split("://", 1)[-1].lstrip("/").partition("/")[2]
    if not path.startswith("/"):
        path = "/" + path
    return path if path.endswith("/") else path + "/"


def redirect_check(old_path: str, article: Article | None) -> str:
    """The normalised path, or ValidationError if it cannot be a redirect to `article`."""
    path = normalise_path(old_path)
    if article is not None and article.pk and path == article.get_absolute_url():
        raise ValidationError(
            {"old_path": "This is the story's own address; a redirect there would loop."}
        )
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    # Only story addresses are looked up (a 404 elsewhere never touches the database).
    if match is None or match.url_name != "detail":
        raise ValidationError(
            {"old_path": "Only a story address (/yyyy/mm/dd/slug/) can lead to a story."}
        )
    return path


@transaction.atomic
def redirect_save(*, redirect: StoryRedirect, by: AbstractBaseUser) -> StoryRedirect:
    """An editor's own redirect: an old address (another system's, a typo) that leads to a story."""
    if not workflow.can_publish(by):
        raise PermissionDenied("Only editors add redirects.")
    redirect.old_path = redirect_check(redirect.old_path, redirect.article)
    if redirect.created_by_id is None:
        redirect.created_by = by
    redirect.full_clean()
    redirect.save()
    return redirect


def redirect_target(path: str) -> str | None:
    """Where an old story path leads now: the story's address if it is public, else None."""
    redirect = (
        StoryRedirect.objects.filter(old_path=path, article__in=Article.objects.published())
        .select_related("article")
        .first()
    )
    if redirect is None:
        return None
    target = redirect.article.get_absolute_url()
    return target if target != path else None

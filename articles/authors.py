"""Writes for author pages: each writer gets one with their first story; editors fill it in."""

from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from . import images
from .models import AuthorProfile

SLUG_LENGTH = 100


def _free_slug(user: AbstractBaseUser) -> str:
    """A slug from the author's name (their username when it has no letters), unused so far."""
    name = user.get_full_name() or user.get_username()
    base = slugify(name)[: SLUG_LENGTH - 8].strip("-") or slugify(user.get_username()) or "author"
    slug, n = base, 1
    while AuthorProfile.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def author_profile_ensure(*, user: AbstractBaseUser) -> AuthorProfile:
    """The author's page, made now if they have none (its slug stays when they are renamed)."""
    profile = AuthorProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    with transaction.atomic():
        profile, _ = AuthorProfile.objects.get_or_create(
            user=user, defaults={"slug": _free_slug(user)}
        )
    return profile


@transaction.atomic
def author_profile_save(*, profile: AuthorProfile, by: AbstractBaseUser) -> AuthorProfile:
    """Save an author's page (slug, bio, photo) as `by`; a replaced photo goes after commit."""
    if not (by.has_perm("articles.change_authorprofile") or by.pk == profile.user_id):
        raise PermissionDenied("You may not change this author page.")
    stored = AuthorProfile.objects.select_for_update().filter(pk=profile.pk).first()
    if profile.photo and not profile.photo._committed:
        try:
            images.image_inspect(profile.photo.file)
        except ValidationError as error:
            raise ValidationError({"photo": error.error_list}) from None
    profile.save()
    old = stored.photo.name if stored is not None else ""
    if old and old != profile.photo.name:
        transaction.on_commit(partial(images.author_photo_discard, old))
    return profile

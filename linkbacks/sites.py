"""Writes for verified sites: register an origin, have it checked, forget it."""

import secrets
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import VerifiedSite
from .site_proof import origin_of
from .tasks import verify_site

MAX_SITES = 20  # per user


class SiteError(Exception):
    """A site we cannot register; the message is for the user."""


@transaction.atomic
def site_register(*, user, url: str) -> VerifiedSite:
    """Register a site for `user` (its origin only); its owner then puts the code in place
    and asks for the check (`site_check_queue`)."""
    origin = origin_of(url)
    if origin is None or len(origin) > 300:
        raise SiteError("Give the address of your site, starting with http:// or https://.")
    if VerifiedSite.objects.filter(user=user).count() >= MAX_SITES:
        raise SiteError(f"You can register at most {MAX_SITES} sites.")
    try:
        with transaction.atomic():
            site = VerifiedSite.objects.create(
                user=user, origin=origin, code=f"nrv-{secrets.token_urlsafe(24)}"
            )
    except IntegrityError as error:
        raise SiteError(f"{origin} is registered already.") from error
    return site


@transaction.atomic
def site_check_queue(*, site: VerifiedSite) -> None:
    """Have the worker look for the site's code (after this transaction)."""
    transaction.on_commit(partial(verify_site.enqueue, site.pk))


@transaction.atomic
def sites_remove(*, sites) -> int:
    """Forget sites: their mentions are no longer accepted (those stored stay)."""
    return sites.delete()[0]


@transaction.atomic
def site_confirm(*, user, url: str, note: str) -> VerifiedSite:
    """Record a site its owner proved theirs another way (IndieAuth): verified from now on."""
    origin = origin_of(url)
    if origin is None or len(origin) > 300:
        raise SiteError("Give the address of your site, starting with http:// or https://.")
    site, _ = VerifiedSite.objects.get_or_create(
        user=user, origin=origin, defaults={"code": f"nrv-{secrets.token_urlsafe(24)}"}
    )
    VerifiedSite.objects.filter(pk=site.pk).update(
        verified_at=timezone.now(), checked_at=timezone.now(), check_note=note[:300]
    )
    site.refresh_from_db()
    return site

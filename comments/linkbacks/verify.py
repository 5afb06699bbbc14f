"""Checking a site's code (in the worker), and finding the verified site a URL lives on."""

from django.utils import timezone

from newsroom.linkbacks.sites import check_site, origin_of

from ..models import VerifiedSite


def verified_site_for(url: str) -> VerifiedSite | None:
    """The verified site a URL lives on (the first proved, if several users proved it)."""
    origin = origin_of(url)
    if origin is None:
        return None
    return (
        VerifiedSite.objects.select_related("user")
        .filter(origin=origin, verified_at__isnull=False, user__is_active=True)
        .order_by("verified_at", "pk")
        .first()
    )


def site_verify(*, site: VerifiedSite) -> VerifiedSite:
    """Look for the code on the site (in the worker) and record what was found.

    A site once proved stays proved until its owner removes it; a failed later check is noted.
    """
    check = check_site(site.origin, site.code)
    now = timezone.now()
    changes = {"checked_at": now, "check_note": check.note[:300]}
    if check.verified and site.verified_at is None:
        changes["verified_at"] = now
    VerifiedSite.objects.filter(pk=site.pk).update(**changes)
    site.refresh_from_db()
    site.unreachable = check.unreachable
    return site

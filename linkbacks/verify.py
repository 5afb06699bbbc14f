"""Checking in the worker: a ping's source (only a page that links to the story can be shown),
and a site's code; and finding the verified site a URL lives on."""

from django.utils import timezone
from django.utils.text import Truncator

from comments.caching import stories_discussion_changed
from comments.models import Comment
from comments.policy import trackback_verdict

from .links import SourceOutcome, check_source
from .models import VerifiedSite
from .site_proof import check_site, origin_of

# Passing faults: the trackback stays with an editor, who can run the check again.
HELD = {SourceOutcome.UNREACHABLE}
STILL_WAITING = {Comment.Verification.UNCHECKED, Comment.Verification.UNREACHABLE, ""}


def _url_title(trackback: Comment) -> str:
    return Truncator(trackback.url).chars(250, truncate="…")


def _vouching_site(trackback: Comment) -> str | None:
    """The verified site a tokenless ping's source is on (a Webmention or Pingback lets it in
    on that site's word): its source must be read there, not wherever a redirect leads."""
    origin = origin_of(trackback.url)
    if trackback.token_id is not None or trackback.user_id is None or origin is None:
        return None
    proved = VerifiedSite.objects.filter(
        user_id=trackback.user_id, origin=origin, verified_at__isnull=False
    )
    return origin if proved.exists() else None


def trackback_verify(*, trackback: Comment, recheck: bool = False) -> Comment:
    """Fetch the ping's source and record what it says; a linking source may be shown.

    The trackback returned says whether this was its first check (`first_check`).

    The status follows the check only while the trackback waits for it, or when a moderator
    asked for the check again (`recheck`); otherwise an editor's decision stands.
    """
    # No transaction around the fetch (it may take seconds); the write is a single UPDATE.
    check = check_source(
        trackback.url, trackback.article.permalink, stay_on=_vouching_site(trackback)
    )
    if check.outcome == SourceOutcome.LINKED:
        verdict = trackback_verdict(trackback)
        status, reason = verdict.status, verdict.reason
    elif check.outcome in HELD:
        status, reason = Comment.Status.PENDING, ""
    else:
        status, reason = Comment.Status.SPAM, ""
    waiting = trackback.status == Comment.Status.PENDING and trackback.verification in STILL_WAITING
    if trackback.status == Comment.Status.REMOVED or not (waiting or recheck):
        status, reason = trackback.status, trackback.moderation_reason
    # A mention (Webmention, Pingback) says nothing but its URL: its title is the page's.
    untitled = trackback.title == _url_title(trackback)
    named = {"title": check.title} if check.title and untitled else {}
    now = timezone.now()
    # The first check is the one whose UPDATE fills `verified_at`: of two workers checking the
    # same trackback at once (the job queued twice), only one counts as first (the row's lock
    # makes the other's condition false), so editors hear of it once.
    first_check = bool(
        Comment.objects.filter(pk=trackback.pk, verified_at__isnull=True).update(verified_at=now)
    )
    Comment.objects.filter(pk=trackback.pk).update(
        **named,
        verification=Comment.Verification(check.outcome),
        verification_note=check.note[:300],
        verified_at=now,
        status=status,
        moderation_reason=reason,
        updated_at=timezone.now(),
    )
    stories_discussion_changed([trackback.article_id])
    trackback.refresh_from_db()
    trackback.first_check = first_check
    return trackback


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

"""A story's linkback endpoints (TrackBack, Webmention, Pingback), and a user's verified sites.

A TrackBack comes from a logged-in user or a personal token (the tokens are kept on the account
page). A Webmention or Pingback is taken only from a source on a site its owner proved is
theirs; anyone else is refused in the protocol's own words (400 for Webmention, fault 0x0031
for Pingback) and nothing is kept.
"""

from allauth.account.internal.flows.reauthentication import raise_if_reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.models import Article
from comments.ratelimit import client_ip, rate_limit_exceeded
from delivery.site import absolute_url
from guards.clients import client_group
from guards.params import parse_id

from . import pingback as pb
from .auth import PingSender, authenticate_ping
from .links import same_page
from .models import VerifiedSite
from .receive import (
    ALREADY_REGISTERED,
    VERIFY_EMAIL_FIRST,
    address_unverified,
    mention_receive,
    trackback_receive,
)
from .sites import SiteError, site_check_queue, site_register, sites_remove
from .trackback import (
    MAX_BODY_BYTES,
    PingError,
    decode_form,
    error_response,
    parse_ping,
    read_ping_fields,
    xml_response,
)
from .verify import verified_site_for
from .webmention import MentionError, parse_mention, text_response, web_address

TOO_MANY_PINGS = "Too many pings; try again in a minute."
TOO_MANY = "Too many mentions; try again in a minute."
TOO_LARGE = "The request is larger than 64 KB."
UNREGISTERED, BUSY, REPEAT = "unregistered", "busy", "repeat"
FAULTS = {UNREGISTERED: pb.ACCESS_DENIED, BUSY: pb.GENERIC, REPEAT: pb.ALREADY_REGISTERED}
ACCEPTED = "Accepted: the mention is shown once its source is checked and it is approved."
# Each check costs the worker two fetches (and retries): a user asks for a few, not a flood.
SITE_CHECKS, SITE_CHECKS_WINDOW = 5, 600


def _not_registered() -> str:
    return (
        "The source's site is not registered here: its owner registers and verifies it on "
        f"{absolute_url(reverse('accounts:home'))}#sites before it can send Webmentions or "
        "Pingbacks."
    )


def _rate_limited(identities: list[str]) -> bool:
    return rate_limit_exceeded(
        "mentions",
        identities,
        limit=settings.TRACKBACKS_RATE_LIMIT,
        window=settings.TRACKBACKS_RATE_WINDOW,
    )


def _story(url_kwargs) -> Article | None:
    return Article.objects.published().at_url(**url_kwargs).select_related("category").first()


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES


def _store(request, article, source: str):
    """The sender's verified site counted and the mention stored, or MentionError."""
    site = verified_site_for(source)
    if site is None:
        raise MentionError(_not_registered(), reason=UNREGISTERED)
    if _rate_limited([f"origin:{site.origin}", f"user:{site.user_id}"]):
        raise MentionError(TOO_MANY, status=429, reason=BUSY)
    try:
        mention_receive(
            article=article,
            source=source,
            site=site,
            ip_address=client_ip(request) or None,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except PingError as error:  # closed, or already registered
        reason = REPEAT if error.message == ALREADY_REGISTERED else ""
        raise MentionError(error.message, reason=reason) from error


def _pings_rate_limited(identity: str) -> bool:
    return rate_limit_exceeded(
        "trackbacks",
        [identity],
        limit=settings.TRACKBACKS_RATE_LIMIT,
        window=settings.TRACKBACKS_RATE_WINDOW,
    )


@csrf_exempt  # token pings carry no cookie; session pings get Django's check in authenticate_ping
def trackback_ping(request, token=None, **url_kwargs):
    """Receive a TrackBack 1.2 ping from a logged-in user, a Bearer token or a personal URL."""
    if request.method != "POST":
        return xml_response("Trackbacks are sent with POST.", status=405, headers={"Allow": "POST"})
    try:
        fields, unreadable = read_ping_fields(request)
        # Every attempt counts against its address (token guessing included); a user's own
        # count starts only once the request is known to be theirs, so a forged cross-site post
        # cannot use it up.
        if _pings_rate_limited(f"ip:{client_group(request)}"):
            raise PingError(TOO_MANY_PINGS, status=429)
        sender = authenticate_ping(request, url_token=token, fields=fields)
        if _pings_rate_limited(f"user:{sender.user.pk}"):
            raise PingError(TOO_MANY_PINGS, status=429)
    except PingError as refusal:
        return error_response(refusal)

    article = Article.objects.published().at_url(**url_kwargs).select_related("category").first()
    if article is None:
        return xml_response("No such story.", status=404)
    try:
        if unreadable is not None:
            raise unreadable
        trackback_receive(
            article=article,
            ping=parse_ping(fields),
            user=sender.user,
            token=sender.token,
            ip_address=client_ip(request) or None,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except PingError as error:
        return _answer(request, sender, article, fields, error)
    return _answer(request, sender, article, fields, None)


def _answer(request, sender: PingSender, article, fields, error: PingError | None):
    """XML for software; a readable page for pings sent from the story page's form."""
    if sender.from_form and fields.get("response") == "html":
        context = {
            "article": article,
            "error": error.message if error else None,
            "url": fields.get("url", ""),
        }
        return render(request, "linkbacks/trackback_answer.html", context)
    return error_response(error) if error else xml_response()


@csrf_exempt  # no cookie is trusted here: the sender is known by its verified site alone
def webmention(request, **url_kwargs):
    """Receive a W3C Webmention (`source`, `target`) for one story."""
    if not settings.MENTIONS_ENABLED:
        raise Http404("Webmentions are not taken here.")
    if request.method != "POST":
        return text_response("Webmentions are sent with POST.", 405, {"Allow": "POST"})
    try:
        if _too_large(request):
            raise MentionError(TOO_LARGE, status=413)
        if _rate_limited([f"ip:{client_group(request)}"]):
            raise MentionError(TOO_MANY, status=429)
        article = _story(url_kwargs)
        if article is None:
            raise MentionError("No such story.", status=404)
        try:
            fields = decode_form(request.body, request.META.get("CONTENT_TYPE", ""))
        except PingError as error:
            raise MentionError(error.message) from error
        mention = parse_mention(fields, article.permalink)
        _store(request, article, mention.source)
    except MentionError as error:
        return text_response(error.message, error.status)
    return text_response(ACCEPTED, 202)


@csrf_exempt  # no cookie is trusted here: the sender is known by its verified site alone
def pingback(request, **url_kwargs):
    """Receive a Pingback 1.0 call (XML-RPC `pingback.ping(source, target)`) for one story."""
    if not settings.MENTIONS_ENABLED:
        raise Http404("Pingbacks are not taken here.")
    if request.method != "POST":
        response = text_response("Pingbacks are XML-RPC calls sent with POST.", 405)
        response["Allow"] = "POST"
        return response
    try:
        if _too_large(request):
            raise pb.PingbackFault(pb.GENERIC, TOO_LARGE, status=413)
        if _rate_limited([f"ip:{client_group(request)}"]):
            raise pb.PingbackFault(pb.GENERIC, TOO_MANY, status=429)
        call = pb.parse_call(request.body)
        article = _story(url_kwargs)
        if article is None:
            raise pb.PingbackFault(pb.TARGET_MISSING, "No such story.")
        try:
            source = web_address(call.source, "source")
        except MentionError as error:
            raise pb.PingbackFault(pb.SOURCE_MISSING, error.message) from error
        if not same_page(call.target, article.permalink):
            raise pb.PingbackFault(pb.TARGET_INVALID, "The target is not this story.")
        try:
            _store(request, article, source)
        except MentionError as error:
            code = FAULTS.get(error.reason, pb.TARGET_INVALID)
            status = 429 if error.status == 429 else 200  # XML-RPC faults travel in a 200
            raise pb.PingbackFault(code, error.message, status=status) from error
    except pb.PingbackFault as fault:
        return pb.fault_response(fault)
    return pb.success_response(f"Pingback from {source} registered. {ACCEPTED}")


@login_required
@require_POST
def sites(request):
    """Register a site, ask for its check, or remove it (from the token page)."""
    own = VerifiedSite.objects.filter(user=request.user)
    if "remove" in request.POST:
        pk = parse_id(request.POST["remove"])
        removed = sites_remove(sites=own.filter(pk=pk) if pk else own.none())
        messages.success(request, "Site removed." if removed else "Nothing to remove.")
    elif "check" in request.POST:
        pk = parse_id(request.POST["check"])
        site = own.filter(pk=pk).first() if pk else None
        if site is not None and rate_limit_exceeded(
            "site-check", [f"user:{request.user.pk}"], limit=SITE_CHECKS, window=SITE_CHECKS_WINDOW
        ):
            messages.error(request, "Too many checks asked for; try again in a few minutes.")
        elif site is not None:
            site_check_queue(site=site)
            messages.success(request, f"{site.origin} is being checked; reload in a moment.")
    elif address_unverified(request.user):
        messages.error(request, VERIFY_EMAIL_FIRST)
    else:
        # A verified site signs in to its account (IndieAuth): adding one adds a credential.
        # allauth's middleware asks for reauthentication and then replays this POST.
        raise_if_reauthentication_required(request, app="allauth.account")
        try:
            site = site_register(user=request.user, url=request.POST.get("site", ""))
        except SiteError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{site.origin} registered: put the code in place, then ask for the check."
            )
    return redirect(reverse("accounts:home") + "#sites")

"""The TrackBack endpoint (a user's personal tokens are kept on the account page)."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from articles.models import Article
from newsroom.linkbacks.trackback import (
    PingError,
    error_response,
    parse_ping,
    read_ping_fields,
    xml_response,
)

from ..ratelimit import client_ip, rate_limit_exceeded
from .auth import PingSender, authenticate_ping
from .receive import trackback_receive

TOO_MANY = "Too many pings; try again in a minute."


def _rate_limited(identity: str) -> bool:
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
        if _rate_limited(f"ip:{client_ip(request)}"):
            raise PingError(TOO_MANY, status=429)
        sender = authenticate_ping(request, url_token=token, fields=fields)
        if _rate_limited(f"user:{sender.user.pk}"):
            raise PingError(TOO_MANY, status=429)
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
        return render(request, "comments/trackback_answer.html", context)
    return error_response(error) if error else xml_response()

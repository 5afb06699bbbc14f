"""The API's endpoints: published stories, one story, sections, and the OpenAPI description."""

from datetime import UTC, datetime, time

from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import urlencode

from articles.models import Category
from delivery.site import absolute_url

from .http import ApiError, api_endpoint
from .openapi import openapi
from .stories import section_data, stories, story_data

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
BIGINT_MAX = 2**63 - 1
CURSOR_SALT = "api.stories.cursor"
FILTERS = ("section", "published_after", "published_before", "updated_since", "limit")


def _moment(name: str, value: str, *, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time; a date alone or a time without zone is the site's time."""
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.combine(day, time.max if end_of_day else time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise ApiError(400, f"{name} must be an ISO 8601 date or date-time.")
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(UTC)  # the database compares in UTC: year 1 or 9999 may not fit
    except (OverflowError, ValueError):
        raise ApiError(400, f"{name} is out of the range of dates this API knows.") from None
    return moment


def _limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ApiError(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(value)


def cursor_encode(published_at: datetime, pk: int) -> str:
    """An opaque, signed position in the list: after the story published at this time, this id."""
    return signing.dumps([published_at.isoformat(), pk], salt=CURSOR_SALT)


def _cursor_decode(value: str) -> tuple[datetime, int]:
    try:
        published, pk = signing.loads(value, salt=CURSOR_SALT)
        moment = datetime.fromisoformat(published)
        if not isinstance(pk, int) or timezone.is_naive(moment):
            raise ValueError(pk)
    except (signing.BadSignature, ValueError, TypeError):
        raise ApiError(400, "cursor is not one this API gave out.") from None
    return moment, pk


@api_endpoint
def story_list(request):
    """Published stories, newest first (by publication time, then id), a page at a time."""
    params = request.GET
    limit = _limit(params.get("limit"))
    found = stories()
    if section := params.get("section"):
        found = found.filter(category__slug=section)
    if value := params.get("published_after"):
        found = found.filter(published_at__gte=_moment("published_after", value))
    if value := params.get("published_before"):
        found = found.filter(published_at__lte=_moment("published_before", value, end_of_day=True))
    if value := params.get("updated_since"):
        # A scheduled story going live is an update too: its publication time is its change.
        since = _moment("updated_since", value)
        found = found.filter(Q(updated_at__gte=since) | Q(published_at__gte=since))
    if value := params.get("cursor"):
        at, pk = _cursor_decode(value)
        found = found.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
    page = list(found.order_by("-published_at", "-pk")[: limit + 1])
    next_url = None
    if len(page) > limit:
        page = page[:limit]
        last = page[-1]
        query = {name: params[name] for name in FILTERS if name in params}
        query["cursor"] = cursor_encode(last.published_at, last.pk)
        next_url = absolute_url(reverse("api:stories")) + "?" + urlencode(query)
    return {"results": [story_data(article) for article in page], "next": next_url}


@api_endpoint
def story_detail(request, pk):
    article = stories().filter(pk=pk).first() if pk <= BIGINT_MAX else None
    if article is None:
        raise ApiError(404, "No published story has this id.")
    return story_data(article)


@api_endpoint
def section_list(request):
    sections = Category.objects.order_by("position", "name")
    return {"results": [section_data(category) for category in sections], "next": None}


@api_endpoint
def openapi_document(request):
    return openapi()

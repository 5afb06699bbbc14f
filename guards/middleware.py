"""Request guards: unreadable bodies answer 400 before CSRF reads them, and control characters
never reach a view."""

import codecs
import logging

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError

from operations.errors import error_page

from .text import CONTROL_CHARACTERS_BUT_WHITESPACE as CONTROL_CHARACTERS  # text areas keep \t\n\r

logger = logging.getLogger(__name__)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NOT_UTF8 = "Forms must be sent as UTF-8. Please go back, reload the page and try again."
UNREADABLE = "What your browser sent could not be read. Please go back, reload and try again."
UNREADABLE_BODY = (BadRequest, SuspiciousOperation, MultiPartParserError, UnreadablePostError)
CONTROL_IN_ADDRESS = (
    "This address contains control characters (such as a NUL byte) that no link of this site "
    "has. Please check the address and try again."
)


def is_utf8(charset: str) -> bool:
    """Whether a declared charset names UTF-8 (unknown names and stray bytes do not)."""
    try:
        return codecs.lookup(charset).name == "utf-8"
    except (LookupError, ValueError):
        return False


def has_control_characters(data: QueryDict) -> bool:
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for key, values in data.lists()
    )


def without_control_characters(data: QueryDict) -> QueryDict:
    """The same fields with control characters dropped; passwords are left exactly as typed."""
    if not has_control_characters(data):
        return data
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        for value in values:
            if "password" not in key:
                value = CONTROL_CHARACTERS.sub("", value)
            cleaned.appendlist(CONTROL_CHARACTERS.sub("", key), value)
    return cleaned


class HostileInputMiddleware:
    """Read every form body before CSRF does: undecodable ones get a 400 page, never a 500.

    Views named in settings.VIEWS_READING_OWN_BODY (TrackBack pings, which honour the charset
    they declare) are left alone: their body must not be parsed by anyone else first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A query string is never stored as it came: one with control characters is refused
        # for every view (a NUL reaching PostgreSQL in a filter would be a 500).
        if has_control_characters(request.GET):
            logger.info("Refused a query string with control characters: %s", request.path)
            if request.path.startswith(settings.JSON_ERROR_PATHS):
                error = {"error": {"status": 400, "message": CONTROL_IN_ADDRESS}}
                return JsonResponse(error, status=400)
            return error_page(400, message=CONTROL_IN_ADDRESS)
        # Headers end up stored too (user agents of comments, login attempts).
        dirty = [
            name
            for name, value in request.META.items()
            if name.startswith("HTTP_") and CONTROL_CHARACTERS.search(str(value))
        ]
        for name in dirty:
            request.META[name] = CONTROL_CHARACTERS.sub("", request.META[name])
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        if request.resolver_match.view_name in settings.VIEWS_READING_OWN_BODY:
            return None
        charset = request.content_params.get("charset")
        if request.content_type.lower() in FORM_TYPES and charset:
            if not is_utf8(charset):
                return error_page(400, message=NOT_UTF8)
            request.encoding = "utf-8"  # Django itself refuses other spellings ("utf8")
        try:
            data = request.POST
        except UNREADABLE_BODY as error:
            logger.info("Refused an unreadable %s body: %s", request.content_type, error)
            return error_page(400, message=UNREADABLE)
        request.POST = without_control_characters(data)
        return None

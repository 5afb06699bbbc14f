"""What every API answer shares: JSON, GET only, CORS, ETag and 304, Cache-Control, rate limits."""

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from delivery import versions
from delivery.compression import varies_by_coding
from delivery.pagecache import public_cache_control
from guards.clients import client_group
from guards.ratelimit import rate_limit_exceeded

READ_METHODS = ("GET", "HEAD")
ALLOWED = "GET, HEAD, OPTIONS"


class ApiError(Exception):
    """An answer other than 200: its status and a sentence for the developer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _json(data, status: int = 200) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json")


def _cors(response: HttpResponse) -> HttpResponse:
    # Public data read without credentials: any origin may read it, never with cookies.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"
    return response


def error_response(status: int, message: str, **headers) -> HttpResponse:
    response = _json({"error": {"status": status, "message": message}}, status=status)
    response.headers["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return _cors(response)


def _site_until() -> float | None:
    """When the next scheduled or embargoed story goes live: no answer is kept past it."""
    held = versions.current([versions.SITE]) or {}
    version = held.get(versions.SITE)
    return version.until if version is not None else None


def api_endpoint(view):
    """Make `view` (which returns JSON-ready data or raises ApiError) a read-only API endpoint."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":  # a CORS preflight: reading is all that is allowed
            response = _cors(HttpResponse(status=204))
            response.headers["Access-Control-Allow-Methods"] = ALLOWED
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
            response.headers["Access-Control-Max-Age"] = "86400"
            response.headers["Allow"] = ALLOWED
            return response
        if request.method not in READ_METHODS:
            return error_response(405, "This API is read-only.", Allow=ALLOWED)
        window = settings.API_RATE_WINDOW
        client = client_group(request) or "unknown"
        if rate_limit_exceeded("api", [client], limit=settings.API_RATE_LIMIT, window=window):
            return error_response(429, "Too many requests; slow down.", Retry_After=str(window))
        try:
            data = view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message)
        response = _json(data)
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = public_cache_control(_site_until())
        varies_by_coding(response)  # before the 304 is made from it: both say the same
        _cors(response)
        return _cors(get_conditional_response(request, etag=response["ETag"], response=response))

    return wrapped

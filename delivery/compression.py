"""Compression for pages that carry no secret (BREACH), in the coding the client prefers.

BREACH reads a secret out of a compressed HTTPS response by making the victim's browser fetch it
many times with guesses reflected beside it, and watching the size. It needs a secret in the
body: a CSRF token, a personal ping URL, anything of one reader's. So only responses with none
are compressed: no session cookie sent or set (anonymous readers; a logged-in reader's pages
name them and may hold their personal ping URL), no CSRF token used in the page (it sets the
CSRF cookie), nothing marked private. That covers every page shared caches keep, feeds and
sitemaps; the login form and everything logged in go out as they are. Static files are
WhiteNoise's (compressed ahead of time, gzip and Brotli); images are never compressed again.

The coding follows `Accept-Encoding` with its q-values (RFC 9110 12.5.3): `q=0` refuses a
coding, the highest q wins, and on a tie Brotli comes first, then Zstandard (only where Python
has `compression.zstd`, 3.14 on), then gzip (Django's, with its random padding).
"""

import re
from collections.abc import Callable, Sequence
from types import SimpleNamespace

import brotli
from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.text import compress_string
from whitenoise.middleware import WhiteNoiseMiddleware

try:
    from compression import zstd
except ImportError:  # Python before 3.14
    zstd = None

COMPRESSIBLE = (
    "text/html",
    "text/xml",
    "text/plain",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
)
# Shorter bodies are not worth a coding (Django's GZipMiddleware has the same floor).
MIN_BYTES = 200
# RFC 9110 12.4.2: "0" to "1" with at most three decimals.
QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")
ALIASES = {"x-gzip": "gzip"}  # RFC 9110 8.4.1.3


def _gzip(content: bytes) -> bytes:
    return compress_string(content, max_random_bytes=100)  # Django's padding against BREACH


def _brotli(content: bytes) -> bytes:
    return brotli.compress(content, mode=brotli.MODE_TEXT, quality=5)  # fast enough per request


# Every coding offered for pages, in the order that wins a tie.
ENCODERS: dict[str, Callable[[bytes], bytes]] = {"br": _brotli}
if zstd is not None:
    ENCODERS["zstd"] = zstd.compress
ENCODERS["gzip"] = _gzip


def accepted_codings(header: str) -> dict[str, float]:
    """Each coding an `Accept-Encoding` value names, with its q (a malformed entry is left out)."""
    weights: dict[str, float] = {}
    for entry in header.split(","):
        name, *params = (part.strip() for part in entry.split(";"))
        name = ALIASES.get(name.lower(), name.lower())
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                weight = float(value) if QVALUE.fullmatch(value) else -1.0
        if name and weight >= 0:
            weights[name] = max(weight, weights.get(name, 0.0))
    return weights


def chosen_coding(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered coding the client prefers; None: the content as it is (identity).

    No header: as it is (a client that says nothing may not decode anything). A coding not
    named takes the weight of `*`, if any; ties go to the first offered. `identity` named with a
    higher q than every coding offered keeps the content as it is.
    """
    if not header:
        return None
    weights = accepted_codings(header)
    anything = weights.get("*", 0.0)
    best = max(offered, key=lambda coding: weights.get(coding, anything), default=None)
    if best is None or weights.get(best, anything) <= 0:
        return None
    if weights.get("identity", 0.0) > weights.get(best, anything):
        return None
    return best


def carries_no_secret(request, response) -> bool:
    """Whether the response is the same for every anonymous reader (nothing of one user's)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME in response.cookies:
        return False
    if settings.CSRF_COOKIE_NAME in response.cookies:  # a CSRF token was put in this page
        return False
    return "private" not in response.get("Cache-Control", "")


def varies_by_coding(response) -> None:
    """Mark a response whose body depends on `Accept-Encoding`: say so in `Vary`, and make its
    ETag weak (RFC 9110 8.8.1: the compressed bytes differ, gzip's padding each time). Its 304
    is marked the same way, so that a validator reads the same in both."""
    patch_vary_headers(response, ("Accept-Encoding",))
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response.headers["ETag"] = "W/" + etag


class SecretFreeCompressionMiddleware(MiddlewareMixin):
    """Brotli, Zstandard or gzip, as the client prefers, for text without secrets only."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if (
            content_type not in COMPRESSIBLE
            or response.has_header("Content-Encoding")
            or not carries_no_secret(request, response)
        ):
            return response
        varies_by_coding(response)
        # Streaming answers (no public text is one) and short ones go out as they are.
        if response.streaming or len(response.content) < MIN_BYTES:
            return response
        coding = chosen_coding(request.headers.get("Accept-Encoding"), tuple(ENCODERS))
        if coding is None:
            return response
        compressed = ENCODERS[coding](response.content)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        response.headers["Content-Encoding"] = coding
        return response


class NegotiatingWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, choosing among a static file's compressed copies by q-value.

    WhiteNoise alone takes the smallest copy whose coding's name appears anywhere in
    `Accept-Encoding`, so `gzip;q=0` still got gzip. Here the same rule as for pages picks the
    coding, and WhiteNoise is shown only that coding's name.
    """

    @staticmethod
    def serve(static_file, request):
        offered = [
            coding
            for _, _, headers in static_file.alternatives
            if (coding := dict(headers).get("Content-Encoding"))
        ]
        offered.sort(key=lambda coding: tuple(ENCODERS).index(coding) if coding in ENCODERS else 9)
        coding = chosen_coding(request.headers.get("Accept-Encoding"), offered)
        asked = SimpleNamespace(
            method=request.method, META={**request.META, "HTTP_ACCEPT_ENCODING": coding or ""}
        )
        return WhiteNoiseMiddleware.serve(static_file, asked)

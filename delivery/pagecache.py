"""Whole public pages for anonymous readers, kept in the configured cache and answered without
the database, and the HTTP caching headers of every public page.

A view opts in with `public_page` (and `story_page` once it knows its story): the page then
depends on the site's version and, for a story, the story's (see `delivery.versions`). For an
anonymous GET the stored copy is served while those versions hold (no query), a matching
`If-None-Match`/`If-Modified-Since` answers 304 (no query on a stored page, at most the story's
lookup otherwise), and a fresh 200 is stored with `ETag`, `Last-Modified` and
`Cache-Control: public`. Anyone with a session or a message waiting is not anonymous here: their
pages are rendered for them and marked `private`. When the cache is unreachable, pages are
rendered as if there were no page cache.
"""

import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from . import versions
from .compression import varies_by_coding
from .release import deploy_salt
from .site import site_origin
from .versions import Version

logger = logging.getLogger(__name__)
PAGE_PREFIX = "v1:page:"
# The one spelling of a parameter's value a stored page may have: a positive number, no zeros
# in front, that fits a bigint. Any other spelling is rendered, never stored.
CANONICAL_NUMBER = re.compile(r"[1-9][0-9]{0,17}")
# Parameters that carry words (a search's `q`): stored only in their one spelling, the one the
# view itself would print (printable, single spaces, nothing around, at most this long).
TEXT_PARAMS = frozenset({"q"})
TEXT_PARAM_CHARS = 200
# Headers a stored page keeps; anything per response (cookies, dates) is left out.
KEPT_HEADERS = {
    "content-type",
    "content-language",
    "vary",
    "content-security-policy",
    "x-frame-options",
    "cache-control",
    "etag",
    "last-modified",
    "cross-origin-opener-policy",
    "x-robots-tag",
    "link",
    "x-pingback",  # where the story takes Webmentions and Pingbacks
}


@dataclass
class Page:
    """What a public page depends on, read before it is rendered."""

    key: str
    shareable: bool
    # The page shows who reads it (the login link, their name): it varies by the session cookie.
    shows_reader: bool = True
    storable: bool = True  # False: the view found its parameters point nowhere (see page_unstored)
    seconds: int | None = None  # kept at most this long (None: PAGE_CACHE_SECONDS)
    keys: list[str] = field(default_factory=lambda: [versions.SITE])
    held: dict[str, Version] | None = None  # None: the cache cannot keep versions now

    @property
    def etag(self) -> str | None:
        if not self.held:
            return None
        tokens = "|".join(f"{key}={self.held[key].token}" for key in sorted(self.held))
        return '"' + hashlib.sha256(f"{self.key}|{tokens}".encode()).hexdigest()[:40] + '"'

    @property
    def tokens(self) -> str:
        """The versions it was rendered under, for keys of fragments shared by several pages."""
        return "-".join(self.held[key].token for key in sorted(self.held)) if self.held else ""

    @property
    def last_modified(self) -> float | None:
        if not self.held:
            return None
        return max(version.changed_at for version in self.held.values())

    @property
    def until(self) -> float | None:
        ends = [v.until for v in (self.held or {}).values() if v.until is not None]
        return min(ends, default=None)

    def validators(self) -> dict[str, str]:
        """ETag and Last-Modified for this page's versions (none without versions)."""
        if not self.held:
            return {}
        return {"ETag": self.etag, "Last-Modified": http_date(int(self.last_modified))}


def _safely(call, *args):
    """Run a cache call; a cache that fails answers like an empty one (the page is rendered)."""
    try:
        return call(*args)
    except Exception as error:  # any backend, any failure: never a 500 for a cache
        logger.warning("Page cache skipped: %s: %s", type(error).__name__, error)
        return None


def fragment_context(request) -> dict:
    """What `{% cache %}` blocks of a page key on: its versions, and how long (0: not kept)."""
    page = getattr(request, "page", None)
    tokens = page.tokens if page is not None else ""
    site = page.held.get(versions.SITE) if tokens else None
    return {
        # The deploy's salt too: templates and code may differ from the ones that rendered it.
        "page_version": f"{deploy_salt()}-{tokens}" if tokens else "",
        # For fragments that show the site, not the page's story (sections, archive months).
        "site_version": f"{deploy_salt()}-{site.token}" if site else "",
        "fragment_seconds": settings.PAGE_CACHE_SECONDS if tokens else 0,
    }


def anonymous(request) -> bool:
    """A GET or HEAD from a reader who is nobody in particular: no session, no message."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def page_key(request) -> str | None:
    """The site's origin, the path and each parameter's number; None: not a page to store.

    The request's own host is checked but not used (its port or spelling would make another
    key for the same page), and a query string counts only in its canonical form.
    """
    try:
        request.get_host()
    except DisallowedHost:
        return None  # answered 400 further in
    params = []
    for name, values in request.GET.lists():
        if len(values) != 1 or not _canonical(name, values[0]):
            return None
        params.append((name, values[0]))
    # Encoded: a value's own "&" or "=" cannot pass for another parameter.
    address = f"{site_origin()}{request.path}?{urlencode(sorted(params))}"
    return f"{PAGE_PREFIX}{deploy_salt()}:" + hashlib.sha256(address.encode()).hexdigest()


def _canonical(name: str, value: str) -> bool:
    if name in TEXT_PARAMS:
        return (
            0 < len(value) <= TEXT_PARAM_CHARS
            and value.isprintable()
            and " ".join(value.split()) == value
        )
    return CANONICAL_NUMBER.fullmatch(value) is not None


def page_unstored(request) -> None:
    """Render this page but never store it: its parameters name no page that exists."""
    page = getattr(request, "page", None)
    if page is not None:
        page.storable = False


def public_page(
    *,
    params: frozenset[str] = frozenset(),
    per_story: bool = False,
    seconds=None,
    shared=None,
    shows_reader: bool = True,
):
    """Make a GET view a public page; only the query parameters in `params` vary it.

    A `per_story` view answers 304 only from `story_page`, once its story's version is known.
    `seconds` (a callable, read per request): keep its pages at most that long, when less than
    PAGE_CACHE_SECONDS (pages that readers' words make, such as searches). `shared` (a callable,
    read per request): False when the page does not follow the versions (it may change with no
    write, as results of an engine the worker updates after the commit): rendered each time,
    with no validators and `private, no-cache`, so that no 304 and no cache in front keeps it.
    `shows_reader` False: the same for every reader (feeds, sitemaps): no `Vary: Cookie`.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            follows = shared is None or shared()
            begun = page_begin(
                request,
                params=params,
                conditional=not per_story,
                shareable=follows,
                shows_reader=shows_reader,
            )
            if seconds is not None and hasattr(request, "page"):
                request.page.seconds = seconds()
            return begun or view(request, *args, **kwargs)

        return wrapped

    return decorator


def page_begin(
    request,
    *,
    params: frozenset[str] = frozenset(),
    conditional: bool = True,
    shareable: bool = True,
    shows_reader: bool = True,
) -> HttpResponse | None:
    """Read the site's version for this page; a 304 (if `conditional`) when the reader has it.

    `shareable` False: the page is never stored, validated nor shared (see `public_page`).
    """
    if request.method not in ("GET", "HEAD"):
        return None
    key = page_key(request)
    shareable = (
        shareable and key is not None and anonymous(request) and set(request.GET) <= set(params)
    )
    request.page = page = Page(key=key or "", shareable=shareable, shows_reader=shows_reader)
    page.held = _safely(versions.current, page.keys)
    return _not_modified(request, page) if shareable and conditional else None


def story_page(request, story_pk: int) -> HttpResponse | None:
    """Make the page depend on one story's discussion too; a 304 when the reader has it."""
    page = getattr(request, "page", None)
    if page is None:
        return None
    key = versions.story(story_pk)
    page.keys.append(key)
    if page.held is not None:  # the site's version is read already: only the story's is new
        story = _safely(versions.current, [key])
        page.held = {**page.held, **story} if story is not None else None
    return _not_modified(request, page) if page.shareable else None


def _not_modified(request, page: Page) -> HttpResponse | None:
    if not page.held:
        return None
    answer = get_conditional_response(
        request,
        etag=page.etag,
        last_modified=int(page.last_modified),
        response=_with_headers(HttpResponse(), page),
    )
    return answer if answer.status_code in (304, 412) else None


def public_cache_control(until: float | None) -> str:
    """Cache-Control of an anonymous page: never kept past the next scheduled change."""
    left = int(until - time.time()) if until is not None else None
    max_age, shared = settings.PAGE_MAX_AGE, settings.PAGE_SHARED_MAX_AGE
    stale = settings.PAGE_STALE_WHILE_REVALIDATE
    if left is not None:
        max_age, shared, stale = (max(0, min(limit, left)) for limit in (max_age, shared, stale))
    return f"public, max-age={max_age}, s-maxage={shared}, stale-while-revalidate={stale}"


def _with_headers(response: HttpResponse, page: Page) -> HttpResponse:
    """What a public page's 200 and its 304 both say: validators, Cache-Control and Vary."""
    for name, value in page.validators().items():
        response.headers[name] = value
    response.headers["Cache-Control"] = public_cache_control(page.until)
    if page.shows_reader:
        patch_vary_headers(response, ("Cookie",))
    varies_by_coding(response)
    return response


class PageCacheMiddleware:
    """Serve anonymous readers stored pages; mark, and store, the public pages rendered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if anonymous(request) and (stored := _safely(self.stored_answer, request)) is not None:
            return stored
        response = self.get_response(request)
        page = getattr(request, "page", None)
        if page is not None and response.status_code != 304:
            self.finish(request, page, response)
        return response

    def stored_answer(self, request) -> HttpResponse | None:
        key = page_key(request)
        if key is None:
            return None
        entry = cache.get(key)
        if not isinstance(entry, dict):
            return None
        held = versions.peek(entry["versions"])
        if {name: version.token for name, version in held.items()} != entry["versions"]:
            return None  # something it shows has changed since
        response = HttpResponse(entry["content"], status=200)
        for name, value in entry["headers"]:
            response.headers[name] = value
        response.headers["Cache-Control"] = public_cache_control(entry["until"])
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
        )

    def finish(self, request, page: Page, response) -> None:
        stored_ok = (
            page.shareable
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        )
        if not stored_ok:
            if not page.shareable:
                # Logged in, or a message waiting: this page is for this reader alone.
                response.headers["Cache-Control"] = "private, no-cache"
            return
        _with_headers(response, page)
        if page.held and page.storable and request.method == "GET":
            _safely(self.store, page, response)

    def store(self, page: Page, response) -> None:
        lifetime = settings.PAGE_CACHE_SECONDS
        if page.seconds is not None:
            lifetime = min(lifetime, page.seconds)
        if page.until is not None:
            lifetime = min(lifetime, int(page.until - time.time()))
        if lifetime <= 0:
            return
        entry = {
            "versions": {key: version.token for key, version in page.held.items()},
            "etag": page.etag,
            "last_modified": int(page.last_modified),
            "until": page.until,
            "headers": [(n, v) for n, v in response.items() if n.lower() in KEPT_HEADERS],
            "content": response.content,
        }
        cache.set(page.key, entry, lifetime)


def page_prerender(path: str, query: str = "") -> int:
    """Render a public page as an anonymous reader's GET would, so that it is stored for the next.

    For the task worker (no request of its own): the request comes to SITE_URL's origin. A page
    already stored under the current versions is left as it is. Returns the response's status.
    """
    from urllib.parse import urlsplit

    from django.http import HttpRequest, QueryDict
    from django.urls import resolve

    origin = urlsplit(site_origin())
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {
        "HTTP_HOST": origin.netloc,
        "SERVER_NAME": origin.hostname or "",
        "SERVER_PORT": str(origin.port or (443 if origin.scheme == "https" else 80)),
        "wsgi.url_scheme": origin.scheme,
        "QUERY_STRING": query,
        "REQUEST_METHOD": "GET",
    }
    match = resolve(path)

    def rendered(request):  # what the handler does to a TemplateResponse before middleware sees it
        response = match.func(request, *match.args, **match.kwargs)
        return response.render() if hasattr(response, "render") else response

    return PageCacheMiddleware(rendered)(request).status_code

"""Where a story page says it takes linkbacks: `Link`/`X-Pingback` headers and `<link>` tags.

The app that receives them registers what to advertise (so the app showing stories needs
not know it): a function of a story giving (rel, absolute URL) pairs.
"""

from collections.abc import Callable

_advertisers: list[Callable] = []


def advertiser_register(func: Callable) -> None:
    if func not in _advertisers:
        _advertisers.append(func)


def advertised(article) -> list[tuple[str, str]]:
    """Every (rel, URL) the receiving apps advertise for a story."""
    return [pair for func in _advertisers for pair in func(article)]


def advertise_headers(response, links: list[tuple[str, str]]) -> None:
    """The W3C Webmention `Link` header and Pingback's `X-Pingback`, for the same endpoints."""
    if links:
        response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links)
    for rel, url in links:
        if rel == "pingback":
            response["X-Pingback"] = url

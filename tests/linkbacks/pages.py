"""Recorded pages of blog engines (tests/linkbacks/fixtures/), for discovery and round trips."""

from pathlib import Path

PAGES = Path(__file__).parent / "fixtures"
HOSTS = ("https://blog.example", "https://mt.example", "https://wm.example")


def recorded(name: str, origin: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers by lower-case name, body) of a recorded page; with `origin`, the page's
    own site is moved there (a local server's address)."""
    raw = (PAGES / f"{name}.http").read_text(encoding="utf-8")
    if origin:
        for host in HOSTS:
            raw = raw.replace(host, origin)
    head, _, body = raw.partition("\n\n")
    status_line, *lines = head.splitlines()
    headers: dict[str, str] = {}
    for line in lines:
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return int(status_line.split()[1]), headers, body.encode("utf-8")


def route(name: str, origin: str) -> tuple[int, dict[str, str], bytes]:
    """A recorded page as a tests.http_server route, served from `origin`."""
    status, headers, body = recorded(name, origin)
    headers.pop("content-length", None)
    return status, headers, body

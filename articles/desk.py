"""The newsroom desk on the admin index: counts of work waiting, contributed by apps.

An app registers a provider with `@desk.provider`; it gets the request and returns a DeskItem
(or None when that user has nothing to see). The comments app can add its moderation queue
the same way without articles knowing about it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class DeskItem:
    label: str
    count: int
    url: str


_providers: list[Callable[[HttpRequest], DeskItem | None]] = []


def provider(func: Callable[[HttpRequest], DeskItem | None]):
    """Register a function that contributes one desk item."""
    if func not in _providers:
        _providers.append(func)
    return func


def desk_items(request: HttpRequest) -> list[DeskItem]:
    """The desk items this request's user may see."""
    return [item for func in _providers if (item := func(request)) is not None]

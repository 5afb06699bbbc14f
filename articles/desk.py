"""The newsroom desk on the admin index: counts of work waiting, contributed by apps.

An app registers its functions under the `desk_items` hook in its `AppConfig.ready()`; each
gets the request and returns a DeskItem (or None when that user has nothing to see). The
comments app adds its moderation queue the same way without articles knowing about it.
"""

from dataclasses import dataclass

from django.http import HttpRequest

import hooks


@dataclass(frozen=True)
class DeskItem:
    label: str
    count: int
    url: str


def desk_items(request: HttpRequest) -> list[DeskItem]:
    """The desk items this request's user may see."""
    return [item for item_of in hooks.get("desk_items") if (item := item_of(request)) is not None]

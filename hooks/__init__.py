"""The one extension point: an app registers functions under a hook's name, and the code that
owns the hook calls every function registered for it.

Register in the app's `AppConfig.ready()`, so the flow reads in one place:

    hooks.register("story_paths", story_api_paths)

Every hook is named in `HOOKS` with what its functions take and give; registering under a name
not listed there is an error (a misspelt hook would otherwise never be called). Facts that
other apps react to (a story published, a discussion changed) are not hooks but signals,
defined by the app that owns the fact (`articles/signals.py`, `comments/signals.py`).
"""

from collections.abc import Callable

HOOKS = {
    "site_version_expires": (
        "() -> datetime | None: when every public page next changes with no write "
        "(a scheduled story going live); the earliest answer counts"
    ),
    "story_version_expires": (
        "(story_id: int) -> datetime | None: when a story's page next changes with no write "
        "(its discussion closing by age); the earliest answer counts"
    ),
    "story_paths": (
        "(story) -> Iterable[str]: paths an app serves under a story that a change to the story "
        "makes stale, for the cache in front (a comments feed, API answers)"
    ),
    "story_links": (
        "(story) -> Iterable[tuple[str, str]]: (rel, absolute URL) pairs a story page "
        "advertises in its head and headers (linkback endpoints)"
    ),
    "story_context": (
        "(request, story) -> dict: context an app adds to a story page (its discussion); what "
        "the page may keep as a fragment is given as a callable, called only when shown"
    ),
    "desk_items": (
        "(request) -> DeskItem | None: one count of waiting work on the desk's front page"
    ),
    "role_permissions": (
        "() -> dict[str, list[str]]: the permissions (`app_label.codename`) an app gives each "
        "newsroom role; `setup_roles` puts them in place"
    ),
    "version_position": (
        "() -> int | None: where the primary database's log stands, recorded with each new "
        "content version (read replicas); the first answer counts"
    ),
    "versions_seen": (
        "(versions: Iterable[Version]) -> None: told of the content versions a request saw "
        "(read replicas serve it only once they have those writes)"
    ),
}

_registered: dict[str, list[Callable]] = {}


def register(name: str, function: Callable) -> Callable:
    """Call `function` whenever hook `name` runs; registering twice changes nothing."""
    if name not in HOOKS:
        raise LookupError(f"No hook is named {name!r}; the hooks are {sorted(HOOKS)}.")
    functions = _registered.setdefault(name, [])
    if function not in functions:
        functions.append(function)
    return function


def get(name: str) -> list[Callable]:
    """The functions registered under `name`, in the order they were registered."""
    if name not in HOOKS:
        raise LookupError(f"No hook is named {name!r}; the hooks are {sorted(HOOKS)}.")
    return list(_registered.get(name, ()))

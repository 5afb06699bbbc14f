"""A salt for stored pages and fragments that changes with the installed code.

A deploy may change templates, views or settings without any write to the database, so stored
pages carry this salt in their keys: a new deploy never serves what the old code rendered. It
hashes the contents of the project's code and templates (the same on every machine running one
release), computed once per process.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings

# Static files too: pages name them by their hashed (manifest) names.
# Every package of the project (what renders a page, or the headers kept with it, lives in
# several: the trackback section and the Link header in linkbacks, the search page, the page
# cache and `machine_time` in delivery), with the templates.
SOURCES = (
    "newsroom",
    "hooks",
    "delivery",
    "operations",
    "guards",
    "articles",
    "comments",
    "linkbacks",
    "search",
    "accounts",
    "api",
    "templates",
    "static",
)
SUFFIXES = {".py", ".html", ".txt", ".xml", ".json", ".css", ".js"}


@cache
def deploy_salt() -> str:
    """Hash the installed code and templates (computed once)."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "migrations" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]

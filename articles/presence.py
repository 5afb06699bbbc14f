"""Who has a story open in the admin: advisory, kept in the cache for a few minutes."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

PRESENCE_SECONDS = 5 * 60


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    seen_at: datetime


def _key(article_id: int) -> str:
    return f"articles:presence:{article_id}"


def presence_touch(*, article_id: int, user) -> list[Presence]:
    """Note that `user` has the story open; return the others seen on it in the last minutes."""
    now = timezone.now()
    entries = {
        user_id: entry
        for user_id, entry in cache.get(_key(article_id), {}).items()
        if (now - entry["seen_at"]).total_seconds() < PRESENCE_SECONDS
    }
    entries[user.pk] = {"name": user.get_full_name() or user.get_username(), "seen_at": now}
    # A lost update between two simultaneous touches only hides someone until their next touch.
    cache.set(_key(article_id), entries, PRESENCE_SECONDS)
    return sorted(
        (
            Presence(user_id=user_id, name=entry["name"], seen_at=entry["seen_at"])
            for user_id, entry in entries.items()
            if user_id != user.pk
        ),
        key=lambda presence: presence.name,
    )

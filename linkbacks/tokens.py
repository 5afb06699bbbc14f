"""Personal trackback tokens: stored hashed, shown to their owner, revoked for good."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from guards.text import printable

from .models import TrackbackToken

DEFAULT_NAME = "Personal token"
MAX_NAME_LENGTH = 100  # TrackbackToken.name
MAX_VALUE_LENGTH = 100


def _token_value(seed: str) -> str:
    return (
        "tb_" + salted_hmac("newsroom.trackback-token", seed, algorithm="sha256").hexdigest()[:40]
    )


def _token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def trackback_token_value(token: TrackbackToken) -> str | None:
    """The token in clear, for its owner's eyes only (their personal ping URL).

    None once SECRET_KEY has changed since the token was made: what we would show then is not
    the token that works, so the owner is asked to make a new one instead.
    """
    value = _token_value(token.seed)
    return value if constant_time_compare(_token_hash(value), token.token_hash) else None


@transaction.atomic
def trackback_token_create(*, user, name: str = DEFAULT_NAME) -> tuple[TrackbackToken, str]:
    """Make a new personal token; the clear value is returned to show once."""
    # Names are typed by hand: no control characters (PostgreSQL refuses NUL), one line.
    name = printable(name).strip()[:MAX_NAME_LENGTH] or DEFAULT_NAME
    seed = secrets.token_hex(32)
    value = _token_value(seed)
    token = TrackbackToken.objects.create(
        user=user, name=name, seed=seed, token_hash=_token_hash(value)
    )
    return token, value


@transaction.atomic
def trackback_tokens_revoke(*, tokens) -> int:
    """Revoke the live tokens among `tokens`; a revoked token never works again."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def trackback_token_authenticate(value: str) -> TrackbackToken | None:
    """The live token with this value, marked as used; None for unknown or revoked ones."""
    if not value or len(value) > MAX_VALUE_LENGTH:
        return None
    digest = _token_hash(value)
    token = (
        TrackbackToken.objects.select_related("user")
        .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    # The look-up is by hash; compare once more in constant time for good measure.
    if token is None or not constant_time_compare(token.token_hash, digest):
        return None
    TrackbackToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token

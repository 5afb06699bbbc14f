"""Rate limits for comments and trackbacks: who is counted (the counting is newsroom's)."""

from guards.clients import client_group, client_ip
from guards.ratelimit import rate_limit_exceeded

__all__ = ["client_ip", "rate_limit_exceeded", "request_identities"]


def request_identities(request) -> list[str]:
    identities = [f"ip:{client_group(request)}"]
    if request.user.is_authenticated:
        identities.append(f"user:{request.user.pk}")
    return identities

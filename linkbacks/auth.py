"""Who sends a ping: a personal token (in the URL or a Bearer header), or a logged-in session."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import QueryDict
from django.middleware.csrf import CsrfViewMiddleware

from .models import TrackbackToken
from .tokens import trackback_token_authenticate
from .trackback import PingError

NEED_LOGIN = "You need to login."
BAD_CSRF = "The form's security token is missing or wrong."


@dataclass(frozen=True)
class PingSender:
    user: AbstractBaseUser
    token: TrackbackToken | None  # None: the story page's form, in the user's session

    @property
    def from_form(self) -> bool:
        return self.token is None


def _unauthorised() -> PingError:
    challenge = {"WWW-Authenticate": 'Bearer realm="trackback"'}
    return PingError(NEED_LOGIN, status=401, headers=challenge)


def _csrf_failure(request, fields: dict[str, str]) -> bool:
    """Run Django's own CSRF check on a cookie-authenticated ping."""
    # Hand the middleware the fields we decoded, so it never parses a non-UTF-8 body itself.
    decoded = QueryDict(mutable=True)
    decoded.update(fields)
    request.POST = decoded
    rejection = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
    return rejection is not None


def authenticate_ping(request, *, url_token: str | None, fields: dict[str, str]) -> PingSender:
    """The sender of a ping, or PingError: 401 without valid credentials, 403 without CSRF.

    A token (from the personal ping URL, else from `Authorization: Bearer`) decides alone;
    without one, the session's user counts only with the form's CSRF token.
    """
    credential = url_token
    authorization = request.headers.get("Authorization", "")
    if credential is None and authorization[:7].lower() == "bearer ":
        credential = authorization[7:].strip()
    if credential is not None:
        token = trackback_token_authenticate(credential)
        if token is None:
            raise _unauthorised()
        return PingSender(user=token.user, token=token)
    if not request.user.is_authenticated:
        raise _unauthorised()
    if _csrf_failure(request, fields):
        raise PingError(BAD_CSRF, status=403)
    return PingSender(user=request.user, token=None)

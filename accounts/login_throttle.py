"""Login throttling with django-axes: who is checked, and how a throttled login is answered."""

from math import ceil

from allauth.account.internal.userkit import filter_users_by_email, get_user_by_username
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.shortcuts import render

THROTTLED = (
    "Too many failed logins for this account or from this address. "
    "Please wait {minutes} minutes and try again."
)


def login_name(request, credentials) -> str:
    """Whom a login attempt counts against: the account that what was typed names (by its
    username or by any of its email addresses), else what was typed.

    Counting the spelling would give every account one limit per way of naming it.
    """
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email")
    if typed is None and request is not None and hasattr(request, "POST"):
        typed = request.POST.get("login") or request.POST.get("username")
    typed = str(typed or "").strip().casefold()[:255]
    # Axes asks several times per attempt: look the account up once per request.
    names = getattr(request, "_login_throttle_names", None)
    if names is None:
        names = {}
        if request is not None:
            request._login_throttle_names = names
    if typed not in names:
        names[typed] = _account_name(typed)
    return names[typed]


def _account_name(typed: str) -> str:
    if not typed:
        return ""
    # The same lookups whether or not an account answers: its existence shows in no timing.
    by_email = filter_users_by_email(typed, prefer_verified=True, for_login=True)
    by_username = get_user_by_username(typed)
    user = by_email[0] if by_email else by_username
    return user.get_username().casefold()[:255] if user is not None else typed


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuse logins that are locked out; logins made by code, with no request, are not."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:  # the shell, management commands, tests' client.login()
            return None
        return super().authenticate(request, username, password, **kwargs)


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler, where a successful login forgets only its own username's failures.

    Forgetting every failure of the address (axes' way) would let anyone with an account reset
    the per-address limit by logging in between guesses at other accounts.
    """

    def reset_user_attempts(self, request, credentials=None) -> int:
        # Axes passes the account's username, which login_name turns into the name its
        # failures were counted under, however they were typed.
        name = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=name).delete() if name else (0, None)
        return count


def lockout_response(request, original_response=None, credentials=None):
    """Answer a throttled login with the login page, the reason and when to come back."""
    # allauth's login form, as its own view would show it (import here: forms need the app
    # registry, which is not ready when settings import this module).
    from allauth.account import app_settings
    from allauth.account.forms import LoginForm
    from allauth.utils import get_form_class

    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    form_class = get_form_class(app_settings.FORMS, "login", LoginForm)
    context = {
        "form": form_class(request=request),
        "throttled": THROTTLED.format(minutes=ceil(seconds / 60)),
        "redirect_field_name": "next",
        "redirect_field_value": request.POST.get("next", ""),
    }
    response = render(request, "account/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response

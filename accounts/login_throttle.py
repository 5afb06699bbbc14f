"""Login throttling with django-axes: who is checked, and how a throttled login is answered."""

from math import ceil

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
    """What was typed as the login (a username or an email address), the same for any account."""
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email")
    if typed is None and request is not None and hasattr(request, "POST"):
        typed = request.POST.get("login") or request.POST.get("username")
    return str(typed or "").strip().casefold()[:255]


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
        # Axes passes the account's username; the failures were counted under what was typed,
        # which may be one of its email addresses: forget both.
        names = {get_client_username(request, credentials), login_name(request, None)}
        count, _ = AccessAttempt.objects.filter(username__in=names - {""}).delete()
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

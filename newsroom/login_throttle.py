"""Login throttling with django-axes: who is checked, and how a throttled login is answered."""

from math import ceil

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

THROTTLED = (
    "Too many failed logins for this account or from this address. "
    "Please wait {minutes} minutes and try again."
)


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
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """Answer a throttled login with the login page, the reason and when to come back."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {
        "form": AuthenticationForm(request),
        "throttled": THROTTLED.format(minutes=ceil(seconds / 60)),
        "next": request.POST.get("next", ""),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response

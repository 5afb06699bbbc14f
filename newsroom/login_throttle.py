"""Login throttling with django-axes: who is checked, and how a throttled login is answered."""

from math import ceil

from axes.backends import AxesStandaloneBackend
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

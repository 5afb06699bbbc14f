"""The ways in: sign-up and password reset with the site's rate limits, and old addresses."""

import hashlib
from math import ceil

from allauth.account import views as allauth_views
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from guards.clients import client_group
from guards.ratelimit import rate_limit_exceeded

SIGNUP_THROTTLED = "Too many sign-ups from this address. Please wait {minutes} minutes."
RESET_THROTTLED = (
    "Too many password reset requests from this address or for this email address. "
    "Please wait {minutes} minutes and try again."
)


def _throttled(view, form, message: str, window: int):
    form.add_error(None, message.format(minutes=ceil(window / 60)))
    response = view.render_to_response(view.get_context_data(form=form), status=429)
    response["Retry-After"] = str(window)
    return response


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, counted per address like comments (after the form's own checks)."""

    def form_valid(self, form):
        window = settings.ACCOUNTS_SIGNUP_RATE_WINDOW
        if rate_limit_exceeded(
            "signup",
            [f"ip:{client_group(self.request)}"],
            limit=settings.ACCOUNTS_SIGNUP_RATE_LIMIT,
            window=window,
        ):
            return _throttled(self, form, SIGNUP_THROTTLED, window)
        return super().form_valid(form)


def _address_identity(email: str) -> str:
    # Hashed: the cache holds no address, and any address makes a valid key.
    return "email:" + hashlib.sha256(email.casefold().encode()).hexdigest()[:32]


class PasswordResetView(allauth_views.PasswordResetView):
    """Ask for a reset link; past the limit per client and per email address, answer 429.

    Known and unknown addresses get the same page and the same work in the request: the mail
    (for an account that exists) is only queued, and the worker sends it.
    """

    def form_valid(self, form):
        identities = [
            f"ip:{client_group(self.request)}",
            _address_identity(form.cleaned_data["email"]),
        ]
        window = settings.PASSWORD_RESET_RATE_WINDOW
        if rate_limit_exceeded(
            "password-reset", identities, limit=settings.PASSWORD_RESET_RATE_LIMIT, window=window
        ):
            return _throttled(self, form, RESET_THROTTLED, window)
        return super().form_valid(form)


def admin_login(request):
    """The admin signs in through the site's login (password, then the second factor)."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = resolve_url("admin:index")
    return HttpResponseRedirect(f"{resolve_url('account_login')}?{urlencode({'next': target})}")


def moved(to: str):
    """A view that sends an old account address to its new home (query string kept)."""

    def view(request, **kwargs):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(resolve_url(to) + (f"?{query}" if query else ""))

    return view

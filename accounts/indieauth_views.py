"""Sign in with your own website (IndieAuth): start at /accounts/indieauth/, come back to
/accounts/indieauth/callback/ with a code that the site's authorization endpoint vouches for."""

import secrets
import time
from dataclasses import asdict

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from delivery.site import absolute_url
from guards.clients import client_group
from guards.ratelimit import rate_limit_exceeded
from linkbacks.receive import VERIFY_EMAIL_FIRST, address_unverified

from . import indieauth
from .forms import IndieAuthForm
from .services import SignupClosedError, account_for_site

SESSION_KEY = "accounts.indieauth"
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
# Each start fetches the person's site: a few per minute per address are plenty.
STARTS_PER_MINUTE = 10


def client_id() -> str:
    return absolute_url("/")


def redirect_uri() -> str:
    return absolute_url(reverse("accounts:indieauth_callback"))


def start(request):
    """Ask for the website, discover its endpoints, and send the person there."""
    form = IndieAuthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limit_exceeded(
            "indieauth", [f"ip:{client_group(request)}"], limit=STARTS_PER_MINUTE, window=60
        ):
            form.add_error(None, "Too many sign-in attempts; please wait a minute.")
            return render(request, "accounts/indieauth.html", {"form": form}, status=429)
        try:
            me = indieauth.site_home(indieauth.canonical_me(form.cleaned_data["me"]))
            endpoints = indieauth.discover(me)
        except indieauth.IndieAuthError as error:
            form.add_error("me", str(error))
        else:
            verifier, challenge = indieauth.pkce_pair()
            state = secrets.token_urlsafe(24)
            request.session[SESSION_KEY] = {
                "state": state,
                "verifier": verifier,
                "me": me,
                "endpoints": asdict(endpoints),
                "started": time.time(),
            }
            return HttpResponseRedirect(
                indieauth.authorization_url(
                    endpoints,
                    me=me,
                    client_id=client_id(),
                    redirect_uri=redirect_uri(),
                    state=state,
                    challenge=challenge,
                )
            )
    return render(request, "accounts/indieauth.html", {"form": form})


def _refuse(request, message: str):
    messages.error(request, f"Signing in with your website did not work: {message}")
    return render(request, "accounts/indieauth.html", {"form": IndieAuthForm()}, status=400)


def callback(request):
    """Check the answer, redeem the code, verify `me`; then sign in or add the site."""
    pending = request.session.pop(SESSION_KEY, None)
    state = request.GET.get("state", "")
    if not pending or not state or not constant_time_compare(state, pending["state"]):
        return _refuse(request, "this sign-in was not started here, or was already used.")
    if time.time() - pending["started"] > settings.INDIEAUTH_STATE_SECONDS:
        return _refuse(request, "it took too long; please start again.")
    if request.GET.get("error"):
        return _refuse(request, "your website did not approve it.")
    endpoints = indieauth.Endpoints(**pending["endpoints"])
    issuer = request.GET.get("iss")
    if endpoints.issuer and issuer != endpoints.issuer:
        return _refuse(request, "the answer came from another issuer than your website names.")
    code = request.GET.get("code", "")
    if not code or len(code) > 2000:
        return _refuse(request, "the answer carried no code.")
    try:
        returned = indieauth.redeem(
            endpoints,
            code=code,
            client_id=client_id(),
            redirect_uri=redirect_uri(),
            verifier=pending["verifier"],
        )
        me = indieauth.verify_me(entered=pending["me"], returned=returned, endpoints=endpoints)
    except indieauth.IndieAuthError as error:
        return _refuse(request, str(error))
    user = request.user if request.user.is_authenticated else None
    if user is not None and address_unverified(user):
        return _refuse(request, VERIFY_EMAIL_FIRST)
    try:
        user = account_for_site(url=me, user=user)
    except SignupClosedError as error:
        return _refuse(request, str(error))
    if user is None:
        return _refuse(request, "the account of this website is closed.")
    if not request.user.is_authenticated:
        if is_mfa_enabled(user):
            # The site stands in for the password, never for the second factor.
            return _refuse(
                request,
                "this account uses a second factor: log in with your password and your code.",
            )
        login(request, user, backend=BACKEND)
        messages.success(request, f"Signed in with {me}.")
    else:
        messages.success(request, f"{me} is verified as your site.")
    return redirect("accounts:home")

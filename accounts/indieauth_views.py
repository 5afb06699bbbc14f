"""Sign in with your own website (IndieAuth): start at /accounts/indieauth/, come back to
/accounts/indieauth/callback/ with a code that the site's authorization endpoint vouches for."""

import secrets
import time
from dataclasses import asdict
from urllib.parse import urlsplit

from allauth.account.internal.flows.reauthentication import is_reauthentication_required
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from delivery.site import absolute_url
from guards.clients import client_group
from guards.ratelimit import rate_limit_exceeded
from linkbacks.receive import VERIFY_EMAIL_FIRST, address_unverified
from linkbacks.site_proof import origin_of

from . import indieauth
from .adapter import SITE_PROVED_KEY
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


def _next(request) -> str:
    """Where to go once signed in (back to a page that asked for the site again), if ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def start(request):
    """Ask for the website, discover its endpoints, and send the person there."""
    form = IndieAuthForm(request.POST or None)
    context = {"form": form, "next": _next(request)}
    if request.method == "POST" and form.is_valid():
        if rate_limit_exceeded(
            "indieauth", [f"ip:{client_group(request)}"], limit=STARTS_PER_MINUTE, window=60
        ):
            form.add_error(None, "Too many sign-in attempts; please wait a minute.")
            return render(request, "accounts/indieauth.html", context, status=429)
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
                "next": context["next"],
            }
            url = indieauth.authorization_url(
                endpoints,
                me=me,
                client_id=client_id(),
                redirect_uri=redirect_uri(),
                state=state,
                challenge=challenge,
            )
            # A page that moves on, not a 302: CSP's form-action 'self' would stop the form's
            # POST from being redirected to another site (browsers block it; test clients not).
            onward = {"authorization_url": url, "authorization_host": urlsplit(url).netloc}
            response = render(request, "accounts/indieauth_continue.html", onward)
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/indieauth.html", context)


def _refuse(request, message: str):
    messages.error(request, format_html("Signing in with your website did not work: {}", message))
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
    issuer = request.GET.get("iss", "")
    if not endpoints.issuer or not constant_time_compare(issuer, endpoints.issuer):
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
    # A site the account had already proved: its credential given again (a new one is not).
    proved_again = (
        user is None
        or user.verified_sites.filter(origin=origin_of(me), verified_at__isnull=False).exists()
    )
    # A new site is a new way to sign in to the account: only for who just proved to be its owner.
    if (
        user is not None
        and not proved_again
        and is_reauthentication_required(request, app="allauth.account")
    ):
        again = (
            reverse("account_reauthenticate")
            + "?"
            + urlencode({"next": reverse("accounts:indieauth")})
        )
        return _refuse(
            request,
            format_html(
                'a new site is a new way into your account: <a href="{}">confirm it is you'
                "</a> first, then add it again.",
                again,
            ),
        )
    try:
        user = account_for_site(url=me, user=user)
    except SignupClosedError as error:
        return _refuse(request, str(error))
    if user is None:
        return _refuse(request, "the account of this website is closed.")
    if not request.user.is_authenticated:
        if user.is_staff or user.is_superuser:
            # A newsroom account is opened by its password and second factor only: a site (or
            # whoever holds it) never stands in for them, enrolled factor or not.
            return _refuse(
                request,
                "newsroom accounts log in with their password and second factor, "
                "never with a website.",
            )
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
    if proved_again:  # for an account whose site is its one credential, a reauthentication
        request.session[SITE_PROVED_KEY] = {"user": user.pk, "at": time.time()}
    return redirect(pending.get("next") or "accounts:home")

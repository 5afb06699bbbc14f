"""How django-allauth behaves here: sign-up may be closed, mail goes to the worker, and a new
account is not logged in by its sign-up (so the answer is the same for a known address)."""

import time
from functools import partial

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from delivery.site import absolute_url
from guards.clients import client_group, client_ip

from . import mail
from .services import profile_update

# Where the callback notes that this session's account just proved its site again (IndieAuth).
SITE_PROVED_KEY = "accounts.site_proved"


def _after_commit(task, *args) -> None:
    """Queue a mail once the request's work is saved: a mail server never holds a request up."""
    transaction.on_commit(partial(task.enqueue, *args))


def _plain(context: dict) -> dict:
    """The part of a mail's context a queued task may carry: plain values, no objects."""
    return {k: v for k, v in context.items() if isinstance(v, str | int | float | bool)}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNTS_SIGNUP_OPEN

    def pre_authenticate(self, request, **credentials) -> None:
        """Leave password guessing to django-axes (accounts.login_throttle): it counts in the
        database, holds while the cache is down, and answers 429. allauth's own counter (in the
        cache) would step in first with another answer; it still guards second-factor codes."""

    def get_client_ip(self, request) -> str:
        # allauth's own limits count the client as every other limit does (an IPv6 client by
        # its /64), behind the same proxies (NUM_PROXIES).
        return client_group(request) or super().get_client_ip(request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_update(
                user=user,
                display_name=form.cleaned_data.get("display_name", ""),
                blog_url=form.cleaned_data.get("blog_url", ""),
            )
        return user

    def pre_login(self, request, user, *, signup: bool, **kwargs):
        if signup:
            # Sign-up ends on "check your mail" whether or not the address had an account
            # already; the new account logs in with its password like any other.
            address = EmailAddress.objects.filter(user=user, verified=False).first()
            if address is not None:
                address.send_confirmation(request, signup=True)
            return self.respond_email_verification_sent(request, user)
        return super().pre_login(request, user, signup=signup, **kwargs)

    def get_reauthentication_methods(self, user) -> list[dict]:
        """An account made by signing in with its site has no password, verified address or
        second factor to give again: its site, proved again, stands in for them."""
        methods = super().get_reauthentication_methods(user)
        if methods or not user.is_authenticated or user.is_staff or user.is_superuser:
            return methods
        url = reverse("accounts:indieauth")
        return [{"id": "indieauth", "description": "Sign in with your website", "url": url}]

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = allauth_context.request
        if not required or request is None or not request.user.is_authenticated:
            return required
        proved = request.session.get(SITE_PROVED_KEY) or {}
        recent = (
            proved.get("user") == request.user.pk
            and time.time() - proved.get("at", 0) < allauth_settings.REAUTHENTICATION_TIMEOUT
        )
        # Only where the site is the account's one credential (see above).
        methods = self.get_reauthentication_methods(request.user)
        return not (recent and methods and methods[0]["id"] == "indieauth")

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        _after_commit(mail.email_confirmation_send, emailconfirmation.email_address.pk, signup)

    def send_password_reset_mail(self, user, email, context) -> None:
        # Not reached through the site's reset form (accounts.forms.ResetPasswordForm queues the
        # address itself); any other allauth path still leaves the link to the worker.
        _after_commit(mail.password_reset_mail_send, email)

    def send_account_already_exists_mail(self, email: str) -> None:
        # A new account would have had its password hashed: take as long here.
        make_password(get_random_string(20))
        context = {
            "signup_url": absolute_url(reverse("account_signup")),
            "password_reset_url": absolute_url(reverse("account_reset_password")),
        }
        _after_commit(
            mail.account_mail_send, "account/email/account_already_exists", email, context
        )

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        if not settings.ACCOUNT_EMAIL_NOTIFICATIONS:
            return
        notice = {
            "timestamp": timezone.now().strftime("%Y-%m-%d %H:%M %Z"),
            "ip": client_ip(self.request) if self.request is not None else "",
            "user_agent": self.get_http_user_agent(self.request)[:200] if self.request else "",
            **_plain(context or {}),
        }
        if email:  # a notice to an address that is no longer the account's (email changed)
            _after_commit(mail.account_mail_send, template_prefix, email, notice)
        else:
            _after_commit(mail.account_notice_send, template_prefix, user.pk, notice)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        _after_commit(mail.account_mail_send, template_prefix, email, _plain(context))

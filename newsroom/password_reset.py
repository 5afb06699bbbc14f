"""Password reset: the request only queues the mail (the worker sends it), and is rate limited.

The queued task carries the user's id, never the link: task results are shown to editors, so the
token is made by the worker when it writes the mail (it is valid from then for
PASSWORD_RESET_TIMEOUT). A known and an unknown address get the same answer and the same count.
"""

import hashlib
from functools import partial
from math import ceil

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .clients import client_ip
from .ratelimit import rate_limit_exceeded
from .site import absolute_url
from .tasks import retry_with_backoff

THROTTLED = (
    "Too many password reset requests from this address or for this email address. "
    "Please wait {minutes} minutes and try again."
)


@task
@retry_with_backoff(attempts=5)
def password_reset_mail_send(user_id: int) -> None:
    """Mail a user a link to choose a new password, if they may still have one."""
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return  # deactivated, or the password disabled, since the request
    email = getattr(user, user.get_email_field_name())
    if not email:
        return
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "reset_url": absolute_url(
            reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
        ),
    }
    subject = render_to_string("registration/password_reset_subject.txt", context)
    send_mail(
        subject="".join(subject.splitlines()),
        message=render_to_string("registration/password_reset_email.txt", context),
        from_email=None,
        recipient_list=[email],
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with the mail queued for the worker instead of sent in the request."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Queue the mail once the request's work is saved: a mail server never holds it up."""
        transaction.on_commit(partial(password_reset_mail_send.enqueue, context["user"].pk))


def _address_identity(email: str) -> str:
    # Hashed: the cache holds no address, and any address makes a valid key.
    return "email:" + hashlib.sha256(email.casefold().encode()).hexdigest()[:32]


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; past the rate limit per address and per email, answer 429."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        identities = [f"ip:{client_ip(self.request)}", _address_identity(email)]
        window = settings.PASSWORD_RESET_RATE_WINDOW
        if rate_limit_exceeded(
            "password-reset", identities, limit=settings.PASSWORD_RESET_RATE_LIMIT, window=window
        ):
            form.add_error(None, THROTTLED.format(minutes=ceil(window / 60)))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(window)
            return response
        return super().form_valid(form)

"""Account mail, sent by the worker: every message in plain text and HTML.

A queued task carries ids and addresses, never a link: task arguments are shown to editors on
the admin desk, so the worker makes the secret part (a verification key, a reset token) when it
writes the mail.
"""

from types import SimpleNamespace

from allauth.account import app_settings as allauth_settings

# The look-up allauth's own reset form makes (internal, hence the <66 pin in pyproject.toml).
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse

from delivery.site import absolute_url, site_origin
from operations.tasks import job_message_id, retry_mail


def render_account_mail(
    template_prefix: str, email: str, context: dict, *, part: int = 0
) -> EmailMultiAlternatives:
    """`<prefix>_subject.txt`, `<prefix>_message.txt` and `<prefix>_message.html`, as one mail:
    mail number `part` of the running task (each run of it sends the same Message-ID)."""
    context = {
        "email": email,
        # What allauth's templates call `current_site` (django.contrib.sites is not installed).
        "current_site": SimpleNamespace(
            name=settings.SITE_NAME, domain=site_origin().split("://", 1)[1]
        ),
        "site_name": settings.SITE_NAME,
        "site_url": site_origin(),
        "account_url": absolute_url(reverse("accounts:home")),
        **context,
    }
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.splitlines()).strip()
    text = render_to_string(f"{template_prefix}_message.txt", context).strip()
    headers = {"Message-ID": job_message_id(part)}
    mail = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [email], headers=headers
    )
    try:
        html = render_to_string(f"{template_prefix}_message.html", context)
    except TemplateDoesNotExist:
        # allauth's notices (a password changed, a factor added) come with a text template
        # only: their HTML is that text in the site's mail layout.
        html = render_to_string("account/email/text_as_html.html", {**context, "text": text})
    mail.attach_alternative(html.strip(), "text/html")
    return mail


@task
@retry_mail
def email_confirmation_send(email_address_id: int, signup: bool = False) -> None:
    """Mail the link that verifies an address, if it still waits for one."""
    address = (
        EmailAddress.objects.select_related("user")
        .filter(pk=email_address_id, verified=False, user__is_active=True)
        .first()
    )
    if address is None:
        return  # verified, removed or deactivated since
    confirmation = EmailConfirmationHMAC(address)
    prefix = "account/email/email_confirmation" + ("_signup" if signup else "")
    context = {
        "user": address.user,
        "activate_url": absolute_url(reverse("account_confirm_email", args=[confirmation.key])),
    }
    render_account_mail(prefix, address.email, context).send()


@task
@retry_mail
def password_reset_mail_send(email: str) -> None:
    """Mail a link to choose a new password to each account of `email` that may have one.

    The request queued only the address typed, known or not: the look-up happens here.
    """
    generator = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR()
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    for user in filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True):
        if not user.has_usable_password():
            continue  # signs in another way (IndieAuth)
        key = f"{user_pk_to_url_str(user)}-{generator.make_token(user)}"
        context = {"user": user, "password_reset_url": absolute_url(path.replace("UID-KEY", key))}
        prefix = "account/email/password_reset_key"
        render_account_mail(prefix, email, context, part=user.pk).send()


@task
@retry_mail
def account_notice_send(template_prefix: str, user_id: int, context: dict) -> None:
    """Tell a person that something changed on their account (a password, a second factor)."""
    address = EmailAddress.objects.filter(user_id=user_id, primary=True).first()
    if address is not None:
        render_account_mail(template_prefix, address.email, context).send()


@task
@retry_mail
def account_mail_send(template_prefix: str, email: str, context: dict) -> None:
    """A mail that holds no secret (an account exists already, a password was changed...)."""
    render_account_mail(template_prefix, email, context).send()

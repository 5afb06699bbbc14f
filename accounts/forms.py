"""Forms of the account pages: sign-up (with the comments' bot defences), profile, deletion."""

import time
from functools import partial

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.utils import filter_users_by_email
from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction

from . import mail

_signer = signing.Signer(salt="accounts.signup-rendered")
RESEND = "This form is not valid any more; please send it again."


def signup_stamp(*, at: float | None = None) -> str:
    """Sign the moment the sign-up form was shown; bots that post at once stand out."""
    return _signer.sign(str(int(at if at is not None else time.time())))


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        max_length=100, label="Display name", help_text="Shown with your comments and trackbacks."
    )
    blog_url = forms.URLField(
        required=False, max_length=500, label="Your blog (optional)", assume_scheme="https"
    )
    # Humans never see or fill this field (hidden with CSS); simple bots fill every field.
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)
    rendered = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["rendered"] = signup_stamp()
        self.fields["website"].widget.attrs.update(
            {"tabindex": "-1", "autocomplete": "off", "class": "honeypot"}
        )

    def validate_unique_email(self, value):
        # A known address is not an error here: allauth then mails its owner instead of making
        # an account, and answers exactly as for a new one (AccountAdapter.pre_login).
        self.account_already_exists = bool(filter_users_by_email(value))
        return value

    def try_save(self, request):
        if self.account_already_exists:
            adapter = get_adapter(request)
            adapter.send_account_already_exists_mail(self.cleaned_data["email"])
            return None, adapter.respond_email_verification_sent(request, None)
        return super().try_save(request)

    def clean_rendered(self):
        try:
            rendered_at = int(_signer.unsign(self.cleaned_data["rendered"]))
        except (signing.BadSignature, ValueError) as error:
            raise forms.ValidationError(RESEND) from error
        age = time.time() - rendered_at
        if age > settings.COMMENTS_FORM_MAX_AGE or age < -60:
            raise forms.ValidationError("This form has expired; please send it again.")
        if age < settings.COMMENTS_MIN_SECONDS:
            raise forms.ValidationError("That was quick! Please check the form and send it again.")
        return self.cleaned_data["rendered"]

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("Please leave this field empty.")
        return ""

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.errors:
            # The form shown again counts from now; its posted stamp may be what failed.
            self.data = self.data.copy()
            self.data["rendered"] = signup_stamp()


class ResetPasswordForm(AllauthResetPasswordForm):
    """Ask for a reset link: the request only queues the address; the worker looks it up.

    So a known and an unknown address cost the request exactly the same work (no look-up, one
    queued task), and the answer is the same page.
    """

    def clean_email(self):
        self.users = []
        return get_adapter().clean_email(self.cleaned_data["email"].lower())

    def save(self, request, **kwargs):
        email = self.cleaned_data["email"]
        transaction.on_commit(partial(mail.password_reset_mail_send.enqueue, email))
        return email


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=100, required=False, label="Display name")
    blog_url = forms.URLField(
        required=False, max_length=500, label="Your blog", assume_scheme="https"
    )


class DeleteAccountForm(forms.Form):
    COMMENTS = [
        ("anonymise", 'Keep my comments, shown as "Former reader"'),
        ("delete", "Delete my comments and trackbacks"),
    ]
    comments = forms.ChoiceField(choices=COMMENTS, widget=forms.RadioSelect, initial="anonymise")
    confirm = forms.BooleanField(label="Yes, delete my account for good")


class IndieAuthForm(forms.Form):
    me = forms.CharField(
        max_length=500,
        label="Your website",
        widget=forms.TextInput(
            attrs={"placeholder": "example.com", "inputmode": "url", "autocomplete": "url"}
        ),
    )

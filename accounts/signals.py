"""Receivers: enrolling a factor proves it, so the session counts as passed a second factor."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver


@receiver(authenticator_added)
def enrolled_counts_as_proved(sender, request, user, authenticator, **kwargs):
    """Setting up TOTP or a passkey takes a valid code or signature from it: record that."""
    if request is not None and authenticator.type != Authenticator.Type.RECOVERY_CODES:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
        )

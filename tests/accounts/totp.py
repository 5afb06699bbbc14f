"""Playing the authenticator app in tests: the current TOTP code for a secret."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def totp_code(secret: str, *, at: float | None = None) -> str:
    return format_hotp_value(hotp_value(secret, int((at or time.time()) // 30)))


def secret_on(page) -> str:
    """The secret the enrolment page shows (beside its QR code), as the app would scan it."""
    return re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content.decode())[1]

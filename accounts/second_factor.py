"""Has this session passed a second factor? (allauth records each step of a sign-in.)"""

from allauth.account.authentication import get_authentication_records


def second_factor_used(request, user) -> bool:
    """True once this session's user proved a TOTP code, a recovery code or a passkey."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )

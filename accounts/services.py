"""Writes for accounts: the profile, signing in with one's site, and leaving the site."""

from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from articles.roles import EDITORS, roles_ensure
from comments.services import comments_of_user_forget
from guards.text import printable
from linkbacks.models import VerifiedSite
from linkbacks.site_proof import origin_of
from linkbacks.sites import site_confirm

from .models import Profile


class SignupClosedError(Exception):
    """ACCOUNTS_SIGNUP_OPEN is off: no new account, whichever way in (IndieAuth included)."""


class StaffAccountError(Exception):
    """Newsroom accounts are closed by an administrator, never from the account page."""


@transaction.atomic
def profile_update(*, user, display_name: str, blog_url: str) -> Profile:
    """Set the name a person shows and their blog's address."""
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.display_name = printable(display_name).strip()[:100]
    profile.blog_url = blog_url.strip()[:500]
    profile.save()
    if profile.display_name and not user.is_staff:
        # Comments and trackbacks are signed with the user's full name: make it this one.
        # (Staff keep the first and last names of their byline, set in the admin.)
        user.first_name, user.last_name = profile.display_name[:150], ""
        user.save(update_fields=["first_name", "last_name"])
    return profile


@transaction.atomic
def account_delete(*, user, keep_comments: bool) -> None:
    """Close an account: comments kept anonymised or deleted, then everything about the person.

    Tokens, addresses, second factors, verified sites and the profile go with the user row; the
    login throttle's records of the username (which hold IP addresses) go too.
    """
    if user.is_staff or user.is_superuser:
        raise StaffAccountError("Newsroom accounts are closed by an administrator.")
    comments_of_user_forget(user=user, keep=keep_comments)
    # Axes records logins under the account's username; older records under what was typed,
    # the username or any of the account's addresses.
    logins = {
        user.get_username(),
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    named = Q()
    for login in filter(None, logins):
        named |= Q(username__iexact=login)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(named).delete()
    get_user_model().objects.filter(pk=user.pk).delete()


def _free_username(url: str) -> str:
    User = get_user_model()
    base = (urlsplit(url).hostname or "site").removeprefix("www.")[:120]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def account_for_site(*, url: str, user=None):
    """The account a proven site signs in to: `user`'s (who adds it), its owner's, or a new one.

    A new account has no password (it signs in with its site) and no email address until its
    owner adds one on the account page. None when the site's account is deactivated;
    SignupClosedError when a new one is needed and sign-up is closed.
    """
    if user is None:
        site = (
            VerifiedSite.objects.select_related("user")
            .filter(origin=origin_of(url), verified_at__isnull=False)
            .order_by("verified_at", "pk")
            .first()
        )
        if site is not None:
            return site.user if site.user.is_active else None
        if not settings.ACCOUNTS_SIGNUP_OPEN:
            raise SignupClosedError("Sign-up is closed: no new account can be made.")
        user = get_user_model().objects.create_user(username=_free_username(url), password=None)
        profile_update(user=user, display_name=urlsplit(url).hostname or "", blog_url=url)
    site_confirm(user=user, url=url, note=f"IndieAuth: {url}")
    return user


class AccountExistsError(Exception):
    """An account already has this address or username: make it an editor in the admin."""


@transaction.atomic
def editor_create(*, email: str, username: str = "", superuser: bool = False):
    """A newsroom editor: staff, in the Editors role, with a verified address and no password yet.

    The person chooses the password from a one-time link (`manage.py make_editor` prints it);
    the desk then has them enrol an authenticator before anything else.
    """
    User = get_user_model()
    email = email.strip().lower()  # as allauth keeps every address
    username = username.strip() or email.split("@", 1)[0]
    if EmailAddress.objects.filter(email__iexact=email).exists() or User.objects.filter(
        Q(email__iexact=email) | Q(username__iexact=username)
    ):
        raise AccountExistsError(f"An account with {email} or the username {username} exists.")
    user = User(username=username, email=email, is_staff=True, is_superuser=superuser)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(roles_ensure()[EDITORS])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user

"""`manage.py make_editor EMAIL`: the first editor of a new site, from the command line. The
person chooses the password at a one-time link, then the desk has them enrol an authenticator."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.roles import EDITORS
from tests.accounts.test_two_factor import enrol_totp
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-editor-passphrase-5"


def make_editor(*args) -> tuple[str, str]:
    """The command's output, and the path of the link it printed."""
    out = StringIO()
    call_command("make_editor", *args, stdout=out)
    [link] = re.findall(r"^  (\S+)$", out.getvalue(), re.MULTILINE)
    assert link.startswith("http://testserver/accounts/password/reset/key/")
    return out.getvalue(), link.removeprefix("http://testserver")


def choose_password(client, link: str):
    """Open the link and send the new password, as the person would."""
    page = client.get(link, follow=True)
    form = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client.post(form, {"password1": PASSWORD, "password2": PASSWORD})


def test_make_editor_makes_a_verified_editor_who_chooses_the_password_and_enrols(client):
    out, link = make_editor("Ed.Itor@Example.com")
    assert "Made ed.itor <ed.itor@example.com> an editor." in out and "works once" in out
    editor = get_user_model().objects.get(username="ed.itor")
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]
    assert editor.has_perm("comments.can_moderate")  # the role's permissions are in place
    assert not editor.has_usable_password()
    assert list(EmailAddress.objects.filter(user=editor).values_list("email", "verified")) == [
        ("ed.itor@example.com", True)
    ]

    done = choose_password(client, link)
    assert done.status_code == 302 and done["Location"] == reverse(
        "account_reset_password_from_key_done"
    )
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)
    again = client.get(link, follow=True)  # once only
    assert again.context["token_fail"] and b"has already been used" in again.content

    login = client.post(reverse("account_login"), {"login": "ed.itor", "password": PASSWORD})
    assert login.status_code == 302
    desk = client.get(reverse("admin:index"))
    assert desk.status_code == 302 and desk["Location"].startswith(reverse("mfa_activate_totp"))
    enrol_totp(client, password=PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200
    assert EmailAddress.objects.filter(user=editor).count() == 1


def test_a_superuser_only_when_asked():
    out, _link = make_editor("chief@example.com", "--superuser", "--username", "chief")
    assert "an editor and superuser" in out
    chief = get_user_model().objects.get(username="chief")
    assert chief.is_superuser and chief.groups.filter(name=EDITORS).exists()


@pytest.mark.parametrize(
    "args",
    [
        ("taken@example.com",),
        ("TAKEN@example.com", "--username", "other"),
        ("new@x.org", "--username", "taken"),
    ],
)
def test_an_existing_account_is_left_alone(args):
    reader = make_user("taken", email="taken@example.com")
    with pytest.raises(CommandError, match=r"exists\. Give it the Editors role in the admin"):
        call_command("make_editor", *args, stdout=StringIO())
    reader.refresh_from_db()
    assert not reader.is_staff and get_user_model().objects.count() == 1


@pytest.mark.parametrize("email", ["not-an-address", "two@@example.com", "a b@example.com"])
def test_a_bad_address_is_refused_and_makes_nothing(email):
    with pytest.raises(CommandError, match="Enter a valid email address"):
        call_command("make_editor", email, stdout=StringIO())
    assert not get_user_model().objects.exists() and not EmailAddress.objects.exists()

"""Two-factor for the newsroom: staff reach no admin page without a second factor; TOTP and
recovery codes (each once) open it; the admin's login is the site's login."""

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests.accounts.totp import secret_on, totp_code
from tests.conftest import log_in_staff
from tests.factories import make_article, make_editor, make_journalist, make_user

# Enrolling records the proof once its transaction commits (allauth signals on commit).
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-for-tests"
ENROL = reverse("mfa_activate_totp")


def admin_pages():
    """Every page of the admin: the index, and each registered model's list, add and change."""
    article = make_article()
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        meta = model._meta
        for name, args in (("changelist", []), ("add", []), ("change", [article.pk])):
            try:
                pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{name}", args=args))
            except NoReverseMatch:
                continue
    return pages


def log_in_with_password(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.username, "password": password})


def enrol_totp(client, password=PASSWORD) -> str:
    """Set up an authenticator app on the enrolment page; the secret the app now holds.

    allauth asks for the password once more first (changing one's factors is sensitive).
    """
    page = client.get(ENROL)
    if page.status_code == 302 and page["Location"].startswith(reverse("account_reauthenticate")):
        confirm = client.post(page["Location"], {"password": password})
        assert confirm.status_code == 302 and confirm["Location"] == ENROL
        page = client.get(ENROL)
    assert page.status_code == 200 and b'class="masthead"' in page.content
    secret = secret_on(page)
    response = client.post(ENROL, {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return secret


@pytest.mark.parametrize(
    "make_staff",
    [make_editor, make_journalist, lambda: make_user(is_staff=True, is_superuser=True)],
)
def test_staff_without_a_second_factor_reach_no_admin_page(client, make_staff):
    staff = make_staff()
    assert log_in_with_password(client, staff).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)  # logged in, with a password only
    pages = admin_pages()
    assert len(pages) > 15
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(ENROL + "?next="), page
    # POSTs too: an admin action cannot slip past.
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": ["1"]},
    )
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


def test_a_bare_session_login_is_not_enough_either(client):
    """force_login (or any login that skipped the second factor) does not open the admin."""
    editor = make_editor()
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate") + "?next=")


def test_staff_enrol_totp_and_then_log_in_with_a_code(client, mailoutbox):
    editor = make_editor()
    log_in_with_password(client, editor)
    follow = client.get(reverse("admin:index"), follow=True)
    assert b"needs a second factor" in follow.content  # told why, on the enrolment page
    secret = enrol_totp(client)
    assert client.get(reverse("admin:index")).status_code == 200  # proving the app counts
    # The account's address hears of it (a stolen password enrolling another app shows).
    [notice] = [m for m in mailoutbox if "Authenticator App Activated" in m.subject]
    assert notice.to == [editor.email] and "127.0.0.1" in notice.body
    client.post(reverse("account_logout"))

    later = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        login = log_in_with_password(client, editor)
        assert login["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session  # not in before the code
        assert client.get(reverse("admin:index"))["Location"].startswith("/admin/login/")
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200 and "_auth_user_id" not in client.session
        done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert done.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200
        for page in admin_pages():
            response = client.get(page)
            # 403: the role's limits; to the index: an object that page does not have.
            assert response.status_code in (200, 403) or response["Location"] == "/admin/", page


def test_the_admin_login_goes_through_the_same_flow(client):
    editor = make_editor()
    first = client.get("/admin/login/?next=/admin/comments/comment/")
    assert first["Location"] == "/accounts/login/?next=%2Fadmin%2Fcomments%2Fcomment%2F"
    login = client.post(
        "/accounts/login/",
        {"login": editor.username, "password": PASSWORD, "next": "/admin/comments/comment/"},
    )
    assert login.status_code == 302
    assert client.get(login["Location"])["Location"].startswith(ENROL)


def test_recovery_codes_work_once_each(client):
    editor = make_editor()
    log_in_with_password(client, editor)
    enrol_totp(client)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=editor, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) == 10
    client.post(reverse("account_logout"))

    log_in_with_password(client, editor)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("account_logout"))

    log_in_with_password(client, editor)
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200 and "_auth_user_id" not in client.session  # used up
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_session_from_before_enrolment_proves_the_factor_once(client):
    editor = make_editor()
    log_in_with_password(client, editor)
    secret = enrol_totp(client)
    other = client.__class__()
    other.force_login(editor)  # a session that signed in another way (IndieAuth, say)
    response = other.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        proved = other.post(response["Location"], {"code": totp_code(secret)})
        assert proved.status_code == 302
        assert other.get(reverse("admin:index")).status_code == 200


def test_log_in_staff_helper_opens_the_admin_and_a_bare_login_does_not(client):
    editor = make_editor()
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 302
    log_in_staff(client, editor)
    assert client.get(reverse("admin:index")).status_code == 200


def test_readers_may_enrol_but_are_never_asked_to(client):
    reader = make_user()
    log_in_with_password(client, reader)
    assert client.get(reverse("accounts:home")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    enrol_totp(client)
    assert Authenticator.objects.filter(user=reader, type="totp").exists()

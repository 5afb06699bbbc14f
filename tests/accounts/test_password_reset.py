"""Password reset (allauth's, in the site's look): the request only queues the mail, the worker
sends the link, known and unknown addresses are answered alike, and requests are limited per
client and per address."""

import email
import email.policy
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.factories import make_user
from tests.operations.conftest import closed_port, run_worker
from tests.operations.smtp_server import SilentSMTPServer, SMTPServer

# The queued mail is handed over when the request's work commits, as outside the tests.
pytestmark = pytest.mark.django_db(transaction=True)

RESET = "/accounts/password/reset/"
DONE = "/accounts/password/reset/done/"


@pytest.fixture
def desk():
    return make_user("desk", email="desk@example.com", password="the-old-password")


def ask(client, email, ip="203.0.113.20"):
    """Ask for a reset link; answer (response, seconds)."""
    start = time.monotonic()
    response = client.post(RESET, {"email": email}, REMOTE_ADDR=ip)
    return response, time.monotonic() - start


def test_a_silent_mail_server_never_holds_up_a_password_reset(
    client, settings, desk, database_tasks
):
    with SilentSMTPServer() as silent:
        settings.MAILERS = silent.mailer(timeout=3)
        response, seconds = ask(client, "desk@example.com")
        assert response.status_code == 302
        assert response["Location"] == DONE
        assert seconds < 1, f"the anonymous request waited {seconds:.1f} s for the mail server"
        assert silent.connections == []  # the request never spoke to the mail server
        queued = DBTaskResult.objects.get()
        assert queued.task_name == "password_reset_mail_send"
        assert queued.status == TaskResultStatus.READY
        # Editors read task results in the admin: the queued task holds no link, only the
        # address typed (the worker looks it up and makes the link).
        assert queued.args_kwargs == {"args": ["desk@example.com"], "kwargs": {}}


def test_the_worker_sends_a_link_that_sets_a_new_password(client, settings, desk, database_tasks):
    with SMTPServer() as server:
        settings.MAILERS = server.mailer(timeout=5)
        response, _ = ask(client, "DESK@example.com")  # addresses match whatever their case
        assert response.status_code == 302 and server.messages == []
        run_worker()
    assert len(server.messages) == 1
    mail = email.message_from_string(server.messages[0], policy=email.policy.default)
    assert mail["To"] == "desk@example.com" and "Password reset on Newsroom" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()  # plain text and HTML
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", text).group(1)
    assert f'href="http://testserver{link}"' in html
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL

    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new_password = "a-brand-new-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/key/done/"
    assert get_user_model().objects.get(pk=desk.pk).check_password(new_password)
    assert client.get(link, follow=True).context["token_fail"] is True  # used once only


def test_a_refusing_mail_server_costs_a_later_attempt(settings, client, desk, database_tasks):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 1},
        }
    }
    ask(client, "desk@example.com")
    run_worker()
    first = DBTaskResult.objects.order_by("enqueued_at").first()
    assert first.return_value["retried"] is True
    assert first.return_value["error"].startswith("ConnectionRefusedError")
    retry = DBTaskResult.objects.get(pk=first.return_value["next_attempt"])
    assert retry.status == TaskResultStatus.READY
    assert retry.args_kwargs["args"] == ["desk@example.com"]


def test_known_and_unknown_addresses_get_identical_answers(client, desk, settings, database_tasks):
    known, _ = ask(client, "desk@example.com", ip="198.51.100.1")
    unknown, _ = ask(client, "nobody@example.com", ip="198.51.100.2")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.content == unknown.content
    # The same work for both: one queued task each; the worker mails only the real account.
    assert DBTaskResult.objects.count() == 2
    page = client.get(known["Location"])
    assert b"If an account uses that address" in page.content
    with SMTPServer() as server:
        settings.MAILERS = server.mailer(timeout=5)
        run_worker()
    assert len(server.messages) == 1 and "To: desk@example.com" in server.messages[0]


def test_known_and_unknown_addresses_take_the_same_time(client, desk, database_tasks):
    """The same work in the request (a look-up; a queued task at most): no timing tell."""
    ask(client, "warm-up@example.com", ip="198.51.100.9")
    known = sorted(ask(client, "desk@example.com", ip=f"198.51.100.{n}")[1] for n in range(10, 15))
    unknown = sorted(
        ask(client, f"no{n}@example.com", ip=f"198.51.100.{n}")[1] for n in range(20, 25)
    )
    known_median, unknown_median = known[2], unknown[2]
    # One timing class: well under a second each, and within 50 milliseconds of each other
    # (a mail server would be seconds; a production password hash hundreds of milliseconds).
    assert max(known_median, unknown_median) < 0.5
    assert abs(known_median - unknown_median) < 0.05, (known, unknown)


@pytest.mark.parametrize("email", ["desk@example.com", "nobody@example.com"])
def test_one_address_is_limited_from_any_client(client, desk, email):
    statuses = [ask(client, email, ip=f"192.0.2.{n}")[0].status_code for n in range(1, 8)]
    assert statuses == [302] * 5 + [429] * 2
    refused, _ = ask(client, email.upper(), ip="192.0.2.99")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert b"Too many password reset requests" in refused.content
    assert b"wait 60 minutes" in refused.content


def test_one_client_is_limited_whatever_the_address(client, desk, mailoutbox):
    statuses = [ask(client, f"guess{n}@example.com")[0].status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]
    assert ask(client, "desk@example.com")[0].status_code == 429
    assert mailoutbox == []  # no mail for the address asked past the limit
    # Another client, for the real address, is not held back by someone else's requests.
    assert ask(client, "desk@example.com", ip="192.0.2.50")[0].status_code == 302
    assert len(mailoutbox) == 1  # tasks run on the spot in the tests: sent at once


def test_requests_are_let_through_while_the_cache_is_down(client, settings, desk):
    settings.CACHES = {
        "default": {
            "BACKEND": "delivery.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/14",
        }
    }
    statuses = [ask(client, "desk@example.com")[0].status_code for _ in range(7)]
    assert statuses == [302] * 7


def test_the_reset_pages_are_in_the_site_look(client):
    for url in (
        RESET,
        DONE,
        "/accounts/password/reset/key/1-wrong-token/",
        "/accounts/password/reset/key/done/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert b'class="masthead"' in page.content, url
        assert b"Django administration" not in page.content and b"admin/css" not in page.content
    expired = client.get("/accounts/password/reset/key/1-wrong-token/")
    assert b"already been used or has expired" in expired.content
    assert RESET.encode() in client.get("/accounts/login/").content  # linked from the login


def test_the_old_addresses_lead_to_the_new_pages(client):
    assert client.get("/accounts/password_reset/")["Location"] == RESET
    assert client.get("/accounts/password_reset/done/")["Location"] == DONE
    assert client.get("/accounts/reset/MQ/old-token/")["Location"] == RESET

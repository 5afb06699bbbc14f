"""Changing one's email address: a link to the new address, the same answer whether or not the
address belongs to someone else, and nobody can take over another person's address."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.accounts.conftest import link_in, outbox_to
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "/accounts/email/"


def log_in(client, username, password):
    """Log in, then give the password again: adding an address asks for it (reauthentication)."""
    client.post(reverse("account_login"), {"login": username, "password": password})
    client.post(reverse("account_reauthenticate"), {"password": password})


def change_to(client, address):
    start = time.monotonic()
    response = client.post(EMAIL, {"email": address, "action_add": ""})
    return response, time.monotonic() - start


def test_an_email_change_round_trips_through_the_outbox(client, mailoutbox):
    reader = make_user("robin", email="old@example.com", password="robins-password")
    log_in(client, "robin", "robins-password")
    page = client.get(EMAIL)
    assert page.status_code == 200 and b'class="masthead"' in page.content
    response, _ = change_to(client, "new@example.com")
    assert response.status_code == 302
    [message] = outbox_to("new@example.com")
    assert message.alternatives[0].mimetype == "text/html"
    # Until the new address is confirmed, the old one stays the account's.
    assert get_user_model().objects.get(pk=reader.pk).email == "old@example.com"
    link = link_in(message)
    assert client.post(link).status_code == 302
    reader.refresh_from_db()
    assert reader.email == "new@example.com"
    assert list(
        EmailAddress.objects.filter(user=reader).values_list("email", "verified", "primary")
    ) == [("new@example.com", True, True)]


def test_another_persons_address_gets_the_same_answer_and_cannot_be_taken(client, mailoutbox):
    make_user("owner", email="taken@example.com")
    make_user("robin", email="robin@example.com", password="robins-password")
    log_in(client, "robin", "robins-password")
    taken, taken_seconds = change_to(client, "taken@example.com")
    other = client.__class__()
    make_user("sam", email="sam@example.com", password="sams-password")
    log_in(other, "sam", "sams-password")
    free, free_seconds = change_to(other, "free@example.com")
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert abs(taken_seconds - free_seconds) < 0.25
    # The owner's mailbox gets a link, but following it cannot move the address.
    [message] = outbox_to("taken@example.com")
    client.post(link_in(message))
    owner_address = EmailAddress.objects.get(email="taken@example.com", verified=True)
    assert owner_address.user.username == "owner"
    assert get_user_model().objects.get(username="robin").email == "robin@example.com"

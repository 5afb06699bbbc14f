"""Personal trackback tokens: made, shown to their owner only, named, revoked for good."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from linkbacks.models import TrackbackToken
from linkbacks.tokens import trackback_token_create, trackback_token_value
from tests.conftest import log_in_staff
from tests.factories import make_editor, make_user
from tests.linkbacks.pings import FORM, answer, body, ping

pytestmark = pytest.mark.django_db


def test_tokens_are_stored_hashed_and_record_their_use(client, ping_url, token):
    row = TrackbackToken.objects.values().get()
    assert token not in {str(v) for v in row.values()}
    assert row["last_used_at"] is None
    ping(client, ping_url, body(), token)
    assert TrackbackToken.objects.get().last_used_at is not None


def test_trackback_token_command_prints_the_token_last(blogger, client, ping_url):
    out = StringIO()
    call_command("trackback_token", "blogger", "--name", "CI", stdout=out)
    value = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"tb_[0-9a-f]{40}", value)
    assert TrackbackToken.objects.get().name == "CI"
    assert ping(client, ping_url, body(), value).status_code == 200


def test_trackback_token_command_refuses_unknown_users():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user named"):
        call_command("trackback_token", "nobody", stdout=StringIO())


def test_after_a_secret_key_change_the_stale_ping_url_is_not_shown(client, article, settings):
    owner = make_user()
    _, value = trackback_token_create(user=owner)
    settings.SECRET_KEY = "rotated-" + settings.SECRET_KEY
    assert trackback_token_value(owner.trackback_tokens.get()) is None
    client.force_login(owner)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "/trackback/tb_" not in page and "Create a personal ping URL" in page
    # The token that was handed out keeps working until it is revoked.
    url = reverse("linkbacks:trackback_personal", kwargs={**article.url_kwargs(), "token": value})
    assert answer(Client().post(url, data=body(), content_type=FORM))[0] == "0"


def test_editors_make_tokens_only_for_themselves_and_cannot_unrevoke(client):
    editor, other = make_editor("erin"), make_user("someone")
    editor.user_permissions.add(*Permission.objects.filter(codename__endswith="trackbacktoken"))
    log_in_staff(client, editor)
    add = reverse("admin:linkbacks_trackbacktoken_add")
    response = client.post(add, {"user": other.pk, "name": "Sneaky"})
    assert response.status_code == 302
    token = TrackbackToken.objects.get()
    assert token.user == editor
    TrackbackToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
    change = reverse("admin:linkbacks_trackbacktoken_change", args=[token.pk])
    client.post(change, {"name": "Sneaky", "revoked_at_0": "", "revoked_at_1": ""})
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("a\x00b", "ab"), ("\x00", "Personal token"), ("Two\nlines\x7f", "Twolines")],
)
def test_control_characters_in_a_token_name_are_dropped(client, typed, stored):
    client.force_login(make_user())
    response = client.post(reverse("accounts:tokens"), {"name": typed}, follow=True)
    assert response.status_code == 200
    assert TrackbackToken.objects.get().name == stored


@hypothesis_settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(max_size=150))
def test_any_token_name_is_stored_on_one_line(client, blogger, name):
    client.force_login(blogger)
    response = client.post(reverse("accounts:tokens"), {"name": name}, follow=True)
    assert response.status_code == 200
    stored = TrackbackToken.objects.get().name
    assert stored and len(stored) <= 100
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in stored)
    TrackbackToken.objects.all().delete()

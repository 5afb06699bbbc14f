"""Review: one IPv6 client holds a whole /64 (every host gets one); counting each address on its
own let it walk past the API's rate limit by changing the last bits of its address."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
STORIES = reverse("api:stories")


def test_an_ipv6_client_cannot_escape_the_limit_by_changing_its_address(client, settings):
    settings.API_RATE_LIMIT = 3
    answers = [
        client.get(STORIES, REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code for n in range(1, 8)
    ]
    assert answers[:3] == [200, 200, 200]
    assert set(answers[3:]) == {429}
    # Another /64 is another client; IPv4 addresses are still counted one by one.
    assert client.get(STORIES, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200
    assert client.get(STORIES, REMOTE_ADDR="203.0.113.9").status_code == 200

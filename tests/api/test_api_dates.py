"""Review: a date at the edge of the calendar is a 400, never a 500 (OverflowError in UTC)."""

import pytest
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db
STORIES = reverse("api:stories")


@pytest.mark.parametrize(
    "value",
    ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "9999-12-31", "0001-01-01"],
)
@pytest.mark.parametrize("name", ["published_after", "published_before", "updated_since"])
def test_dates_at_the_calendar_edges_are_read_or_refused_never_a_500(client, name, value):
    make_article()
    response = client.get(STORIES, {name: value})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert name in response.json()["error"]["message"]


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_a_moment_outside_utc_range_is_a_400(client, value):
    response = client.get(STORIES, {"published_after": value})
    assert response.status_code == 400


def test_date_only_edges_in_a_zone_east_of_utc_are_a_400(client, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    response = client.get(STORIES, {"published_after": "0001-01-01"})
    assert response.status_code == 400

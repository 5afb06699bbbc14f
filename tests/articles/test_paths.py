"""A story's address from a format string equals what reverse() makes of it."""

import pytest
from django.urls import reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from articles.paths import story_path
from tests.factories import make_article

slugs = st.one_of(
    st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True),
    st.text(min_size=1, max_size=20),  # anything else goes through reverse() itself
)


@given(day=st.dates(), slug=slugs)
def test_a_story_path_is_what_reverse_makes(day, slug):
    kwargs = {"year": day.year, "month": day.month, "day": day.day, "slug": slug}
    try:
        expected = reverse("articles:detail", kwargs=kwargs)
    except Exception as error:  # the same refusal, whatever it is
        with pytest.raises(type(error)):
            story_path(**kwargs)
        return
    assert story_path(**kwargs) == expected


def test_the_script_prefix_is_kept():
    try:
        set_script_prefix("/news/")
        assert story_path(year=2024, month=6, day=3, slug="a-b") == "/news/2024/06/03/a-b/"
    finally:
        set_script_prefix("/")
    assert story_path(year=2024, month=6, day=3, slug="a-b") == "/2024/06/03/a-b/"


@pytest.mark.django_db
def test_a_story_links_to_its_page(client):
    story = make_article(title="Harbour works")
    assert story.get_absolute_url() == reverse("articles:detail", kwargs=story.url_kwargs())
    assert client.get(story.get_absolute_url()).status_code == 200

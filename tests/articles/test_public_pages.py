import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.demo import SEED_PAGE, parse_seed_page
from articles.demo.load import demo_load
from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed-page.txt"


def seed_text():
    # The shared contract file when it is beside the checkout (as in CI), else the repo's copy.
    return (SHARED_SEED if SHARED_SEED.exists() else SEED_PAGE).read_text(encoding="utf-8")


def test_repo_copy_of_seed_page_matches_the_shared_one():
    if not SHARED_SEED.exists():
        pytest.skip("shared/seed-page.txt is not beside this checkout")
    assert SEED_PAGE.read_text(encoding="utf-8") == SHARED_SEED.read_text(encoding="utf-8")


def test_seed_story_is_reachable_from_home_and_renders_every_paragraph(client):
    demo_load(with_users=False)
    seed = parse_seed_page(seed_text())
    assert len(seed.paragraphs) == 15

    home = client.get(reverse("articles:home")).content.decode()
    link = re.search(r'<h2><a href="([^"]+)">' + re.escape(seed.title) + "</a>", home)
    assert link, "seed story is not linked from the home page"
    assert link.group(1) == "/2024/06/23/japan-indonesia-automotive-cooperation/"

    response = client.get(link.group(1))
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert f"<h1>{seed.title}</h1>" in page
    assert 'Category: <a href="/category/other/">Other</a>' in page
    for paragraph in seed.paragraphs:
        assert f"<p>{paragraph}</p>" in page
    assert "Comment(s)" in page and "Write comment" in page
    assert "You need to login." in page


def test_trackback_login_link_returns_to_the_story(client):
    article = make_article()
    page = client.get(article.get_absolute_url()).content.decode()
    url = article.get_absolute_url()
    assert f'href="/accounts/login/?next={url}">You need to login.</a>' in page


def test_login_returns_to_the_story_and_refuses_foreign_next(client, django_user_model):
    article = make_article()
    django_user_model.objects.create_user("reader", password="pw-for-tests-1")
    credentials = {"login": "reader", "password": "pw-for-tests-1"}
    login = reverse("account_login")
    response = client.post(login, {**credentials, "next": article.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    client.logout()
    response = client.post(login, {**credentials, "next": "https://evil.example/"})
    assert response["Location"] == reverse("articles:home")


@pytest.fixture
def hidden_stories():
    category = make_category("Hidden", slug="hidden")
    visible = make_article(category=category, title="Visible story", slug="visible")
    when = timezone.now() - timedelta(hours=1)
    return (
        category,
        visible,
        {
            "draft": make_article(
                category=category,
                status=Article.Status.DRAFT,
                slug="a-draft",
                title="Draft story",
                published_at=when,
            ),
            "review": make_article(
                category=category,
                status=Article.Status.IN_REVIEW,
                slug="in-review",
                title="Review story",
                published_at=when,
            ),
            "scheduled": make_article(
                category=category,
                slug="scheduled",
                title="Scheduled story",
                published_at=timezone.now() + timedelta(days=1),
            ),
        },
    )


def public_listing_pages(category, article):
    when = timezone.localtime(article.published_at)
    return [
        reverse("articles:home"),
        category.get_absolute_url(),
        reverse("articles:archive_year", kwargs={"year": when.year}),
        reverse("articles:archive_month", kwargs={"year": when.year, "month": when.month}),
    ]


def test_unpublished_stories_do_not_exist_for_the_public(client, hidden_stories):
    category, visible, hidden = hidden_stories
    for page in public_listing_pages(category, visible):
        html = client.get(page).content.decode()
        assert "Visible story" in html, page
        for story in hidden.values():
            assert story.title not in html, (page, story.title)
    for story in hidden.values():
        assert client.get(story.get_absolute_url()).status_code == 404


def test_scheduled_story_appears_by_itself_when_its_time_comes(client, hidden_stories):
    category, _, hidden = hidden_stories
    scheduled = hidden["scheduled"]
    url = scheduled.get_absolute_url()
    assert client.get(url).status_code == 404
    with time_machine.travel(scheduled.published_at + timedelta(minutes=1)):
        assert client.get(url).status_code == 200
        for page in public_listing_pages(category, scheduled):
            assert "Scheduled story" in client.get(page).content.decode(), page
        # The draft and the story in review stay hidden whatever the clock says.
        assert client.get(hidden["draft"].get_absolute_url()).status_code == 404
        assert client.get(hidden["review"].get_absolute_url()).status_code == 404


def test_story_url_uses_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    published = timezone.make_aware(timezone.datetime(2024, 6, 22, 20, 0), timezone.UTC)
    article = make_article(slug="late-night", published_at=published)
    with timezone.override("Asia/Tokyo"):
        url = article.get_absolute_url()
    assert url == "/2024/06/23/late-night/"
    assert client.get(url).status_code == 200
    assert client.get("/2024/06/22/late-night/").status_code == 404


def test_wrong_date_or_unknown_slug_is_a_clean_404(client):
    article = make_article(slug="dated", published_at=timezone.now() - timedelta(days=3))
    wrong = article.get_absolute_url().replace("/dated/", "/nothing-here/")
    response = client.get(wrong)
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert client.get("/1999/01/01/dated/").status_code == 404


def test_home_is_paginated_newest_first(client, settings):
    settings.ARTICLES_PER_PAGE = 5
    category = make_category()
    now = timezone.now()
    for i in range(12):
        make_article(
            category=category, title=f"Numbered {i:02d}", published_at=now - timedelta(hours=i)
        )
    first = client.get(reverse("articles:home")).content.decode()
    titles = re.findall(r"Numbered (\d\d)", first)
    assert titles == ["00", "01", "02", "03", "04"]
    third = client.get(reverse("articles:home") + "?page=3").content.decode()
    assert re.findall(r"Numbered (\d\d)", third) == ["10", "11"]
    assert client.get(reverse("articles:home") + "?page=9").status_code == 404


def test_category_page_lists_only_its_stories(client):
    sport, business = make_category("Sport", slug="sport"), make_category("Biz", slug="biz")
    make_article(category=sport, title="Match report")
    make_article(category=business, title="Market report")
    html = client.get(sport.get_absolute_url()).content.decode()
    assert "Match report" in html and "Market report" not in html
    assert client.get("/category/no-such-section/").status_code == 404


def test_month_archive_only_shows_that_month(client):
    category = make_category()
    june = timezone.make_aware(timezone.datetime(2024, 6, 10, 12))
    may = timezone.make_aware(timezone.datetime(2024, 5, 10, 12))
    make_article(category=category, title="June story", published_at=june)
    make_article(category=category, title="May story", published_at=may)
    html = client.get("/2024/06/").content.decode()
    assert "June story" in html and "May story" not in html
    year = client.get("/2024/").content.decode()
    assert "June story" in year and "May story" in year
    assert client.get("/2023/").status_code == 404

import pytest
from django.urls import reverse

from articles.models import Article
from articles.roles import JOURNALISTS, roles_ensure
from tests.factories import make_article, make_category, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def journalist_client(client):
    groups = roles_ensure()
    journalist = make_user("jamie", is_staff=True, groups=[groups[JOURNALISTS]])
    client.force_login(journalist)
    return client, journalist


def form_data(category, **overrides):
    return {
        "title": "Harbour bridge reopens",
        "slug": "harbour-bridge-reopens",
        "category": category.pk,
        "standfirst": "Traffic flows again after six weeks.",
        "body": "The bridge reopened at dawn.",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "byline": "",
        "comments_open": "on",
        "trackbacks_open": "on",
        "_save": "Save",
        # the management form of the (read-only) "trackbacks sent" inline
        "pings_sent-TOTAL_FORMS": "0",
        "pings_sent-INITIAL_FORMS": "0",
        **overrides,
    }


def test_journalist_adds_a_story_through_the_admin_form(journalist_client):
    client, journalist = journalist_client
    category = make_category("City", slug="city")
    add_page = client.get(reverse("admin:articles_article_add"))
    assert add_page.status_code == 200
    # The author field starts as the logged-in user.
    assert add_page.context["adminform"].form.initial["author"] == journalist.pk

    response = client.post(reverse("admin:articles_article_add"), form_data(category))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="harbour-bridge-reopens")
    assert article.author == journalist
    assert article.status == Article.Status.DRAFT
    assert article.category == category


def test_journalist_edits_a_story_through_the_change_form(journalist_client):
    client, journalist = journalist_client
    article = make_article(status=Article.Status.DRAFT, author=journalist, slug="to-edit")
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        form_data(article.category, slug="to-edit", author=journalist.pk, body="A corrected body."),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.body == "A corrected body."


def test_publishing_without_a_time_means_now(admin_client):
    category = make_category()
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        form_data(category, status=Article.Status.PUBLISHED),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.is_public
    assert admin_client.get(article.get_absolute_url()).status_code == 200


def test_duplicate_slug_is_a_form_error_not_a_crash(admin_client):
    existing = make_article(slug="taken")
    response = admin_client.post(
        reverse("admin:articles_article_add"), form_data(existing.category, slug="taken")
    )
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert Article.objects.count() == 1


def test_admin_list_filters_and_search(admin_client):
    make_article(title="Flood defences hold")
    make_article(title="Budget passes", status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_changelist")
    found = admin_client.get(url, {"q": "flood"}).content.decode()
    assert "Flood defences hold" in found and "Budget passes" not in found
    drafts = admin_client.get(url, {"status__exact": "draft"}).content.decode()
    assert "Budget passes" in drafts and "Flood defences hold" not in drafts


def test_view_on_site_only_for_public_stories(admin_client):
    public = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    public_page = admin_client.get(reverse("admin:articles_article_change", args=[public.pk]))
    draft_page = admin_client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert b"View on site" in public_page.content
    assert b"View on site" not in draft_page.content


def test_category_autocomplete_answers_staff(journalist_client):
    client, _ = journalist_client
    make_category("Weather", slug="weather")
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Wea", "app_label": "articles", "model_name": "article", "field_name": "category"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Weather"]

"""Embargoes: before the time nothing about the story reaches anyone outside the newsroom, at any
public address the URL resolver knows; at the time it is everywhere at once, with no cron."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from articles import services
from articles.admin.desk import embargoed_stories
from articles.models import Article
from articles.sitemaps import SITEMAPS
from linkbacks.tokens import trackback_token_create
from tests.conftest import log_in_staff
from tests.factories import (
    make_article,
    make_category,
    make_comment,
    make_editor,
    make_journalist,
    make_user,
)

pytestmark = pytest.mark.django_db
SECRET = "Zanzibarquartz"  # a word only the embargoed story has, for search and page bodies
# Not public: the newsroom's own pages (staff only; their leaks are tested below one by one).
NOT_PUBLIC = ("admin/",)
ROUTE_PARAMETERS = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def url_patterns(resolver=None, prefix="", namespace=""):
    """Every (route, name, pattern) the project's URL resolver answers, includes flattened."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}" if entry.name else None, entry.pattern


def parameters(pattern) -> set[str]:
    regex = pattern.regex if hasattr(pattern, "regex") else re.compile(str(pattern))
    return set(regex.groupindex)


@pytest.fixture
def newsroom(settings):
    """An embargoed story beside a public one in its section, an editor, a reader and a token."""
    settings.ALLOWED_HOSTS = ["testserver"]
    editor = make_editor()
    section = make_category(name="Science", slug="science")
    public = make_article(
        category=section,
        title="Public neighbour story",
        author=editor,
        published_at=timezone.now() - timedelta(hours=3),
    )
    story = make_article(
        category=section,
        title=f"Embargoed {SECRET} study",
        slug="embargoed-study",
        status=Article.Status.IN_REVIEW,
        published_at=None,
        author=editor,
        standfirst=f"The {SECRET} findings.",
        body=f"Body about {SECRET}.",
        trackbacks_open=True,
        comments_open=True,
    )
    at = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    services.article_embargo(article=story, by=editor, at=at)
    comment = make_comment(story, body=f"A {SECRET} comment")
    reader = make_user("reader")
    _, token = trackback_token_create(user=reader)
    return {
        "story": story,
        "public": public,
        "editor": editor,
        "reader": reader,
        "token": token,
        "comment": comment,
        "at": at,
        "section": section,
    }


def story_urls(newsroom) -> list[tuple[str, str]]:
    """Each public pattern filled in for the embargoed story (or its section, comment, token)."""
    story = newsroom["story"]
    urls = []
    for route, name, pattern in url_patterns():
        if route.startswith(NOT_PUBLIC) or name is None:
            continue
        # The pattern's own parameters, and those of the includes it sits in (allauth's).
        wanted = parameters(pattern) | {a or b for a, b in ROUTE_PARAMETERS.findall(route)}
        kwargs = {}
        if "year" in wanted:  # the story's own date: its page, or the archives that would list it
            kwargs.update({k: v for k, v in story.url_kwargs().items() if k in wanted})
        elif "slug" in wanted:
            kwargs["slug"] = newsroom["section"].slug
        if "pk" in wanted:
            kwargs["pk"] = newsroom["comment"].pk if name.startswith("comments:") else story.pk
        if "token" in wanted:
            kwargs["token"] = newsroom["token"]
        if "uidb64" in wanted:  # a password reset link: about an account, never a story
            kwargs["uidb64"] = "MQ"
        if route.startswith("accounts/"):  # keys and ids of accounts pages: never a story's
            kwargs.update({name: "1" for name in wanted - set(kwargs)})
        if "section" in wanted:
            urls += [(name, reverse(name, kwargs={**kwargs, "section": s})) for s in SITEMAPS]
            continue
        assert set(kwargs) == wanted, f"the test does not know how to fill {route}"
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def leaks(response, story) -> list[str]:
    body = response.content.decode(errors="replace")
    # Its words, not the search word alone: a search page repeats what was asked.
    marks = (
        story.title,
        story.slug,
        story.standfirst,
        f"Body about {SECRET}",
        f"A {SECRET} comment",
    )
    found = [mark for mark in marks if mark in body]
    if re.search(rf"/api/v1/stories/{story.pk}/", body):
        found.append("its API address")
    return found


STORY_NAMES = {
    "articles:detail",
    "comments:post",
    "comments:stamp",
    "comments:feed",
    "comments:delete",
    "linkbacks:trackback",
    "linkbacks:trackback_personal",
    "api:story",
}


def test_every_public_url_pattern_answers_as_if_the_story_did_not_exist(client, newsroom):
    story, reader = newsroom["story"], newsroom["reader"]
    urls = story_urls(newsroom)
    names = {name for name, _ in urls}
    assert names >= STORY_NAMES and {"articles:home", "search:search", "api:stories"} <= names
    for who in ("anonymous", "reader"):
        if who == "reader":
            client.force_login(reader)
        for name, url in urls:
            query = {"q": SECRET} if name == "search:search" else {}
            response = client.get(url, query)
            assert leaks(response, story) == [], f"{name} {url} as {who}"
            if name in STORY_NAMES:
                assert response.status_code in (404, 405), f"{name} {url} as {who}"
    # The write endpoints, as they are really used: a comment, a ping with a personal token.
    client.logout()
    for name in ("comments:post", "linkbacks:trackback", "linkbacks:trackback_personal"):
        url = dict(urls)[name]
        response = client.post(
            url,
            {"name": "A", "email": "a@example.com", "body": "Hi", "url": "https://x.example/"},
            HTTP_AUTHORIZATION=f"Bearer {newsroom['token']}",
        )
        assert response.status_code == 404, name
        assert leaks(response, story) == []


def test_a_preview_link_shared_with_a_reader_and_view_on_site_leak_nothing(client, newsroom):
    story = newsroom["story"]
    client.force_login(newsroom["reader"])
    preview = client.get(reverse("admin:articles_article_preview", args=[story.pk]))
    assert preview.status_code == 302 and leaks(preview, story) == []
    content_type = ContentType.objects.get_for_model(Article)
    shortcut = client.get(reverse("admin:view_on_site", args=[content_type.pk, story.pk]))
    assert leaks(shortcut, story) == [] and story.slug not in shortcut.get("Location", "")
    # The newsroom sees it, but the admin offers no "View on site" until the embargo ends.
    log_in_staff(client, newsroom["editor"])
    change = client.get(reverse("admin:articles_article_change", args=[story.pk])).content
    assert b"viewsitelink" not in change.replace(b'class="viewsitelink">Preview', b"")
    assert story.get_absolute_url().encode() not in change


def test_the_admin_shows_a_red_banner_and_the_desk_counts_embargoed_stories(client, newsroom):
    log_in_staff(client, newsroom["editor"])
    story = newsroom["story"]
    change = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert 'class="newsroom-embargo"' in change and "EMBARGOED until" in change
    index = client.get(reverse("admin:index")).content.decode()
    assert "Stories under embargo" in index
    request = type("Request", (), {"user": newsroom["editor"]})()
    assert embargoed_stories(request).count == 1
    listing = client.get(reverse("admin:articles_article_changelist"), {"publication": "embargoed"})
    assert story.title in listing.content.decode()


def test_at_the_embargo_time_the_story_is_everywhere_at_once(client, newsroom, settings):
    """Pages stored before the time (the page cache is on) show the story the moment it ends."""
    story, public = newsroom["story"], newsroom["public"]
    checks = {
        "home": reverse("articles:home"),
        "section": reverse("articles:category", kwargs={"slug": "science"}),
        "feed": reverse("articles:feed"),
        "section feed": reverse("articles:category_feed", kwargs={"slug": "science"}),
        "sitemap": reverse("articles:sitemap_section", kwargs={"section": "stories"}),
        "news sitemap": reverse("articles:news_sitemap"),
        "related": public.get_absolute_url(),
        "api list": reverse("api:stories"),
        "api story": reverse("api:story", kwargs={"pk": story.pk}),
    }
    for name, url in checks.items():
        assert leaks(client.get(url), story) == [], name
    assert client.get(story.get_absolute_url()).status_code == 404
    with time_machine.travel(newsroom["at"] + timedelta(seconds=1), tick=False):
        for name, url in checks.items():
            response = client.get(url)
            assert response.status_code == 200, name
            assert leaks(response, story) != [], f"{name} does not show the story yet"
        page = client.get(story.get_absolute_url())
        assert page.status_code == 200 and SECRET in page.content.decode()
        found = client.get(reverse("search:search"), {"q": SECRET}).content.decode()
        assert story.get_absolute_url() in found
        assert Article.objects.published().filter(pk=story.pk).exists()


def test_a_page_stored_before_the_embargo_lives_no_longer_than_its_end(client, newsroom):
    response = client.get(reverse("articles:home"))
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age <= (newsroom["at"] - timezone.now()).total_seconds()


def test_no_door_puts_the_story_live_before_its_embargo(newsroom):
    story, editor = newsroom["story"], newsroom["editor"]
    with pytest.raises(ValidationError):
        services.article_publish(article=story, by=editor)
    earlier = timezone.now() + timedelta(minutes=5)
    with pytest.raises(ValidationError):
        services.article_schedule(article=story, by=editor, at=earlier)
    story.refresh_from_db()
    story.published_at = earlier
    with pytest.raises(ValidationError):
        services.article_save(article=story, by=editor)
    # Even a write around the services: the database refuses it.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=story.pk).update(published_at=timezone.now())
    assert not Article.objects.published().filter(pk=story.pk).exists()


def test_an_embargo_is_set_by_an_editor_on_a_story_in_review_and_kept_in_history(newsroom):
    story = newsroom["story"]
    assert (
        story.history.order_by("-history_id")
        .first()
        .history_change_reason.startswith("Embargoed until")
    )
    draft = make_article(status=Article.Status.DRAFT)
    later = timezone.now() + timedelta(hours=1)
    with pytest.raises(ValidationError):
        services.article_embargo(article=draft, by=newsroom["editor"], at=later)
    review = make_article(status=Article.Status.IN_REVIEW, published_at=None)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.article_embargo(article=review, by=make_journalist(), at=later)
    with pytest.raises(ValidationError):
        services.article_embargo(
            article=review, by=newsroom["editor"], at=timezone.now() - timedelta(minutes=1)
        )


def test_an_editor_embargoes_a_story_in_review_from_the_change_form(client):
    from tests.factories import form_data

    editor = make_editor()
    log_in_staff(client, editor)
    story = make_article(status=Article.Status.IN_REVIEW, published_at=None, title="Trial study")
    url = reverse("admin:articles_article_change", args=[story.pk])
    page = client.get(url)
    assert 'name="_embargo"' in page.content.decode()
    at = timezone.localtime() + timedelta(days=1)
    response = client.post(
        url,
        form_data(
            page,
            published_at_0=at.strftime("%Y-%m-%d"),
            published_at_1=at.strftime("%H:%M:%S"),
            _embargo="Embargo",
        ),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.embargo_until == story.published_at == at.replace(microsecond=0)
    assert story.status == Article.Status.PUBLISHED and not story.is_public
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Embargoed until" in listing


def test_every_public_answer_is_byte_for_byte_the_one_without_the_story(client, newsroom):
    """The strictest reading of "as if it did not exist": delete the story, ask again, compare."""
    story = newsroom["story"]
    urls = story_urls(newsroom)

    def answers():
        seen = {}
        for name, url in urls:
            query = {"q": SECRET} if name == "search:search" else {}
            response = client.get(url, query)
            # The login forms' CSRF token is masked afresh for every answer.
            body = re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", response.content)
            seen[url] = (response.status_code, response.get("Content-Type"), body)
        return seen

    # The clock stands still: an empty feed says "now" as its date.
    with time_machine.travel(timezone.now(), tick=False):
        with_story = answers()
        Article.objects.filter(pk=story.pk).delete()
        without = answers()
    differ = [url for url in with_story if with_story[url] != without[url]]
    assert differ == []

"""Small things journalists and readers noticed: the favicon, the admin's name, the preview's
meta line."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.conftest import log_in_staff
from tests.factories import make_article, make_journalist

pytestmark = pytest.mark.django_db


def test_favicon_answers_with_an_icon(client):
    # Served from delivery/public/ by WhiteNoise, before any view (issue 16 put it there).
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "max-age" in response["Cache-Control"]
    page = client.get("/").content.decode()
    assert page.count('rel="icon"') == 1 and '<link rel="icon" href="/favicon.ico"' in page


def test_the_admin_says_newsroom_once(client, settings):
    log_in_staff(client, make_journalist())
    page = client.get(reverse("admin:index")).content.decode()
    assert "Newsroom newsroom" not in page
    assert "Newsroom" in page


def test_preview_of_an_undated_draft_has_no_empty_meta_item(client):
    author = make_journalist()
    draft = make_article(status=Article.Status.DRAFT, published_at=None, author=author)
    log_in_staff(client, author)
    page = client.get(reverse("admin:articles_article_preview", args=[draft.pk])).content.decode()
    meta = page.split('<ul class="story-meta">', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", meta, re.S)
    assert items and all(item.strip() for item in items)
    assert "<time" not in meta

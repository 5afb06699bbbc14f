"""The story pages of the admin name things once and the same way everywhere."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    log_in_staff(client, editor)
    return editor


def test_a_refused_save_keeps_the_saved_title_in_heading_and_breadcrumb(client, editor):
    story = make_article(status=Article.Status.IN_REVIEW, title="Saved title")
    change = reverse("admin:articles_article_change", args=[story.pk])
    page = client.get(change)
    story.body = "Changed by someone else meanwhile."
    services.article_save(article=story, by=make_editor())
    response = client.post(change, form_data(page, title="Typed title"))
    assert response.status_code == 200  # refused: a newer revision
    html = response.content.decode()
    breadcrumbs = html.split('class="breadcrumbs"', 1)[1].split("</ol>", 1)[0]
    assert "Saved title" in breadcrumbs and "Typed title" not in breadcrumbs
    assert "<h2>Saved title</h2>" in html
    assert 'value="Typed title"' in html  # the typed text is still in the form


def test_compare_and_restore_breadcrumbs_say_where_you_are(client, editor):
    story = make_article(title="Harbour")
    story.body = "Second version."
    services.article_save(article=story, by=editor)
    first, second = story.history.order_by("history_id").values_list("history_id", flat=True)
    compare = client.get(
        reverse("admin:articles_article_revisions_compare", args=[story.pk]),
        {"from": first, "to": second},
    ).content.decode()
    crumbs = compare.split('class="breadcrumbs"', 1)[1].split("</ol>", 1)[0]
    assert '">Revisions</a></li>' in crumbs
    assert '<li aria-current="page">Compare revisions</li>' in crumbs
    assert "Erin Editor" in compare and ", erin)" not in compare
    restore = client.get(reverse("admin:articles_article_restore", args=[story.pk, first]))
    crumbs = restore.content.decode().split('class="breadcrumbs"', 1)[1].split("</ol>", 1)[0]
    assert '<li aria-current="page">Restore a revision</li>' in crumbs
    revisions = client.get(reverse("admin:articles_article_revisions", args=[story.pk]))
    assert '<div class="newsroom-scroll">' in revisions.content.decode()


def test_journalists_see_the_author_named_not_linked(client):
    from tests.factories import make_journalist

    writer = make_journalist("jamie", first_name="Jamie", last_name="Writer")
    story = make_article(status=Article.Status.DRAFT, author=writer)
    log_in_staff(client, writer)
    page = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert "/admin/auth/user/" not in page
    assert "Jamie Writer" in page
    assert 'name="author"' not in page


def test_the_story_list_names_people_and_dates_one_way(client, editor):
    writer = make_editor("jo", first_name="Jo", last_name="Reporter")
    make_article(title="Listed", author=writer)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Jo Reporter" in page and ">jo<" not in page
    assert "a.m." not in page and "p.m." not in page  # Django's default format, beside ours
    assert "Add story" in page and "Add article" not in page


def test_after_a_form_error_the_form_says_to_choose_the_image_again(client, editor):
    from tests.factories import make_image_upload

    story = make_article()
    change = reverse("admin:articles_article_change", args=[story.pk])
    response = client.post(
        change,
        form_data(client.get(change), image=make_image_upload(), image_alt="A pier", title=""),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "title" in errors
    assert "choose the image file again" in str(errors["image"])
    story.refresh_from_db()
    assert not story.image

"""The facts articles tells (articles/signals.py) reach listeners from every door a write
comes through: the desk's services, the admin, a plain row save (shell, demo loader)."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, Category
from articles.people import AuthorProfile
from articles.signals import byline_changed, section_changed, story_changed
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_category, make_editor, make_journalist

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Every fact sent while the test runs, as (signal name, arguments)."""
    told = []
    receivers = {}
    for name, signal in {
        "story_changed": story_changed,
        "section_changed": section_changed,
        "byline_changed": byline_changed,
    }.items():

        def receiver(sender, name=name, signal=None, **arguments):
            told.append((name, sender, arguments))

        receivers[signal] = receiver
        signal.connect(receiver)
    yield told
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def test_a_service_write_and_a_row_save_tell_the_story_changed(heard):
    editor = make_editor("ed")
    story = make_article(status=Article.Status.IN_REVIEW)
    heard.clear()
    services.article_publish(article=story, by=editor)
    assert ("story_changed", Article, {"story": story, "deleted": False}) in heard

    heard.clear()
    story.title = "Changed in the shell"
    story.save()
    assert heard == [("story_changed", Article, {"story": story, "deleted": False})]


def test_a_deleted_story_is_told_deleted(heard):
    story, editor = make_article(), make_editor("ed", is_superuser=True)
    heard.clear()
    services.article_delete(article=story, by=editor)
    assert [(name, args["deleted"]) for name, _, args in heard] == [("story_changed", True)]
    assert heard[0][2]["story"].title == story.title


def test_a_section_changed_in_the_admin_is_told(client, heard):
    section = make_category("Politics", slug="politics")
    editor = make_editor("ed")
    log_in_staff(client, editor)
    change = reverse("admin:articles_category_change", args=[section.pk])
    heard.clear()
    page = client.get(change)
    response = client.post(change, form_data(page, form_id="category_form", name="Government"))
    assert response.status_code == 302
    assert [(name, sender) for name, sender, _ in heard] == [("section_changed", Category)]
    assert heard[0][2]["section"].name == "Government"
    assert heard[0][2]["deleted"] is False

    heard.clear()
    Category.objects.get(pk=section.pk).delete()
    assert [(name, args["deleted"]) for name, _, args in heard] == [("section_changed", True)]


def test_an_authors_name_and_author_page_are_told_but_a_login_is_not(heard):
    writer = make_journalist("kim", first_name="Kim", last_name="Lee")
    make_article(author=writer)
    heard.clear()
    writer.first_name = "Kimberley"
    writer.save()
    assert heard == [
        ("byline_changed", type(writer), {"author": writer, "page": None, "deleted": False})
    ]

    heard.clear()
    writer.save(update_fields=["last_login"])  # every login saves the user
    assert heard == []

    page = AuthorProfile.objects.create(user=writer, slug="kim-lee")
    assert heard == [
        ("byline_changed", AuthorProfile, {"author": None, "page": page, "deleted": False})
    ]


def test_a_reader_who_wrote_no_story_is_no_byline(heard, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="x")
    heard.clear()
    reader.first_name = "Ann"
    reader.save()
    assert heard == []


def test_unpublishing_and_deleting_tell_the_story_withdrawn_and_a_plain_save_does_not():
    from articles.signals import story_withdrawn

    withdrawn = []

    def receiver(sender, story, **arguments):
        withdrawn.append((story.pk, story.status))

    story_withdrawn.connect(receiver)
    try:
        editor = make_editor("ed", is_superuser=True)
        live, other = make_article(), make_article()
        live.title = "Edited in the shell"
        live.save()
        assert withdrawn == []
        services.article_unpublish(article=live, by=editor)
        assert withdrawn == [(live.pk, Article.Status.UNPUBLISHED)]
        pk = other.pk
        services.article_delete(article=other, by=editor)
        assert withdrawn[-1] == (pk, Article.Status.PUBLISHED)
    finally:
        story_withdrawn.disconnect(receiver)

"""Every save keeps a revision; any two compare; restoring brings text back as a new revision."""

import re

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_category, make_editor, make_journalist

pytestmark = pytest.mark.django_db

FIRST = "The council met on Tuesday. The vote was close. Nobody expected it."
SECOND = "The council met on Tuesday. The vote was unanimous after midnight. Nobody expected it."
THIRD = SECOND + " The mayor welcomed the result."


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def revisions_url(article):
    return reverse("admin:articles_article_revisions", args=[article.pk])


def save_through_admin(client, article, **changes):
    page = client.get(change_url(article))
    response = client.post(change_url(article), form_data(page, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.fixture
def editor_client(client):
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    log_in_staff(client, editor)
    return client, editor


def test_three_saves_three_revisions_diff_and_restore(editor_client):
    client, editor = editor_client
    article = make_article(status=Article.Status.DRAFT, body="Placeholder.")
    article.history.all().delete()  # start counting at the admin saves
    for body in (FIRST, SECOND, THIRD):
        save_through_admin(client, article, body=body)
    revisions = list(article.history.order_by("history_id"))
    assert [r.body for r in revisions] == [FIRST, SECOND, THIRD]
    assert {r.history_user for r in revisions} == {editor}

    # The change form links to the history, which lists them, newest first, with who and when.
    assert f'href="{revisions_url(article)}"' in client.get(change_url(article)).content.decode()
    listing = client.get(revisions_url(article)).content.decode()
    ids = [int(i) for i in re.findall(r"<td>#(\d+)</td>", listing)]
    assert ids == [r.history_id for r in reversed(revisions)]
    assert listing.count("Erin Editor") == 3

    # The diff of the first two shows the changed sentence, marked removed and added.
    compare = client.get(
        reverse("admin:articles_article_revisions_compare", args=[article.pk]),
        {"from": revisions[0].history_id, "to": revisions[1].history_id},
    )
    html = compare.content.decode()
    assert "<del>close</del><ins>unanimous after midnight</ins>" in html
    assert "The council met on Tuesday." in html  # unchanged text is shown around it
    # Any two, in either order: the older one is always "from".
    reverse_order = client.get(
        reverse("admin:articles_article_revisions_compare", args=[article.pk]),
        {"from": revisions[2].history_id, "to": revisions[0].history_id},
    ).content.decode()
    assert "<ins> The mayor welcomed the result.</ins>" in reverse_order

    # Restoring the first brings its body back and adds a fourth revision.
    restore = reverse("admin:articles_article_restore", args=[article.pk, revisions[0].history_id])
    confirm = client.get(restore)
    assert confirm.status_code == 200 and b"<del>unanimous after midnight</del>" in confirm.content
    response = client.post(restore)
    assert response.status_code == 302 and response["Location"] == change_url(article)
    article.refresh_from_db()
    assert article.body == FIRST
    latest = article.history.order_by("-history_id")
    assert latest.count() == 4
    assert latest[0].history_user == editor
    assert latest[0].history_change_reason.startswith(
        f"Restored revision {revisions[0].history_id}"
    )
    # Nothing was lost: the text restored over is still a revision.
    assert article.history.filter(body=THIRD).exists()


def test_restore_keeps_status_and_is_refused_to_those_who_may_not_edit(client):
    journalist = make_journalist()
    article = make_article(body="Old words.", author=journalist)  # published
    editor = make_editor()
    old = article.history.get()
    article.body = "New words."
    services.article_save(article=article, by=editor)
    log_in_staff(client, journalist)
    restore = reverse("admin:articles_article_restore", args=[article.pk, old.history_id])
    assert client.post(restore).status_code == 403
    assert client.get(revisions_url(article)).status_code == 200  # reading history is fine
    article.refresh_from_db()
    assert article.body == "New words."
    restored = services.article_revision_restore(
        article=article, revision_id=old.history_id, by=editor
    )
    assert restored.body == "Old words." and restored.is_public


def test_restore_of_a_revision_whose_section_is_gone_is_a_message_not_a_crash(editor_client):
    client, editor = editor_client
    doomed = make_category("Doomed", slug="doomed")
    article = make_article(category=doomed, status=Article.Status.DRAFT)
    old = article.history.get()
    article.category = make_category()
    services.article_save(article=article, by=editor)
    doomed.delete()
    restore = reverse("admin:articles_article_restore", args=[article.pk, old.history_id])
    response = client.post(restore, follow=True)
    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()
    assert article.history.count() == 2


@pytest.mark.parametrize("params", [{}, {"from": "x", "to": "1"}, {"from": "1", "to": "999999"}])
def test_compare_with_bad_revisions_is_404(editor_client, params):
    client, _ = editor_client
    article = make_article()
    url = reverse("admin:articles_article_revisions_compare", args=[article.pk])
    assert client.get(url, params).status_code == 404


def test_revision_of_another_story_cannot_be_compared_or_restored(editor_client):
    client, _ = editor_client
    mine, other = make_article(), make_article()
    foreign = other.history.get().history_id
    own = mine.history.get().history_id
    compare = reverse("admin:articles_article_revisions_compare", args=[mine.pk])
    assert client.get(compare, {"from": own, "to": foreign}).status_code == 404
    restore = reverse("admin:articles_article_restore", args=[mine.pk, foreign])
    assert client.post(restore).status_code == 404


def test_diff_escapes_markup(editor_client):
    client, editor = editor_client
    article = make_article(body="Safe.")
    article.body = "Safe. <script>alert(1)</script>"
    services.article_save(article=article, by=editor)
    ids = list(article.history.order_by("history_id").values_list("history_id", flat=True))
    html = client.get(
        reverse("admin:articles_article_revisions_compare", args=[article.pk]),
        {"from": ids[0], "to": ids[1]},
    ).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("saves", [2, 30])
def test_revision_list_query_count_is_fixed(editor_client, django_assert_num_queries, saves):
    client, editor = editor_client
    article = make_article()
    for n in range(saves):
        article.body = f"Version {n}."
        services.article_save(article=article, by=editor if n % 2 else make_editor())
    client.get(revisions_url(article))
    # session, user, user and group permissions, the story, page count, the page of revisions
    # with their users joined, the latest revision
    with django_assert_num_queries(8):
        response = client.get(revisions_url(article))
    assert response.status_code == 200

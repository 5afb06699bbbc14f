"""Everyone who may edit a story sees what the sites it told answered: Editors who are not
superusers included (the demo editor is one, which hid that the role lacked the right)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from linkbacks.models import SentLinkback
from tests.conftest import log_in_staff
from tests.factories import make_article, make_user


def sent_answers(article):
    SentLinkback.objects.create(
        article=article,
        target_url="https://blog.example/post/",
        protocol="trackback",
        ping_url="https://blog.example/post/trackback/",
        status="refused",
        message="Sorry, trackbacks are closed for this item.",
        attempts=1,
        last_attempt_at=timezone.now(),
    )
    SentLinkback.objects.create(
        article=article,
        target_url="https://wp.example/p/",
        protocol="pingback",
        ping_url="https://wp.example/xmlrpc.php",
        status="sent",
        attempts=1,
    )


def as_member_of(role, **fields):
    # The group exactly as the migrations left it: no `setup_roles`, no `roles_ensure`.
    return make_user(is_staff=True, groups=[Group.objects.get(name=role)], **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Editors", "Journalists"])
def test_a_role_member_who_is_not_a_superuser_sees_the_answers(client, role):
    user = as_member_of(role)
    assert not user.is_superuser
    article = make_article(author=user)  # a journalist's own story; an editor edits any
    sent_answers(article)
    log_in_staff(client, user)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Trackbacks sent (TrackBack, Pingback, Webmention)" in page
    assert "Sorry, trackbacks are closed for this item." in page
    assert "https://wp.example/xmlrpc.php" in page and "Pingback" in page
    # Sending again is for who may change the story: an editor, not a journalist once it is out.
    assert page.count('name="ping"') == (2 if role == "Editors" else 0)


@pytest.mark.django_db
def test_without_the_view_right_the_panel_is_not_shown(client):
    editors = Group.objects.get(name="Editors")
    editors.permissions.remove(Permission.objects.get(codename="view_sentlinkback"))
    user = as_member_of("Editors")
    article = make_article()
    sent_answers(article)
    log_in_staff(client, user)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b"Sorry, trackbacks are closed" not in page  # what the issue saw: the panel hidden


@pytest.mark.django_db(transaction=True)
def test_upgrading_gives_existing_groups_the_right_to_see_the_answers(back_to_the_latest_schema):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0009_corrections_embargo")])
    # A site set up before this change: the groups exist, without the right.
    view = Permission.objects.get(codename="view_trackbackping")
    for group in Group.objects.filter(name__in=["Editors", "Journalists"]):
        group.permissions.remove(view)
    assert not Group.objects.filter(permissions=view).exists()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(Group.objects.filter(permissions=view).values_list("name", flat=True)) == {
        "Editors",
        "Journalists",
    }
    assert Article.objects.count() == 0

"""Upgrading moves the pings sent, the personal tokens and the verified sites into the linkbacks
app: every row stays, a comment keeps its token, and the groups keep their grants."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0013_author_pages"), ("comments", "0006_verified_sites")]


def _rows_before_the_move(old):
    user = old.get_model("auth", "User").objects.create(username="blogger", email="b@example.com")
    category = old.get_model("articles", "Category").objects.create(name="Old", slug="old")
    story = old.get_model("articles", "Article").objects.create(
        title="From before",
        slug="from-before",
        category=category,
        body="x",
        status="published",
        published_at="2024-01-02T03:04:05Z",
    )
    ping = old.get_model("articles", "TrackbackPing").objects.create(
        article=story, target_url="https://blog.example/p", status="sent", protocol="webmention"
    )
    token = old.get_model("comments", "TrackbackToken").objects.create(
        user=user, name="My blog", seed="s", token_hash="h"
    )
    site = old.get_model("comments", "VerifiedSite").objects.create(
        user=user, origin="https://blog.example", code="nrv-x"
    )
    comment = old.get_model("comments", "Comment").objects.create(
        article=story,
        kind="trackback",
        user=user,
        token=token,
        name="Blog",
        body="",
        url=site.origin,
    )
    permission = old.get_model("auth", "Permission")
    editors = old.get_model("auth", "Group").objects.create(name="Desk")
    editors.permissions.add(
        permission.objects.get(content_type__app_label="articles", codename="view_trackbackping"),
        permission.objects.get(content_type__app_label="comments", codename="add_trackbacktoken"),
        permission.objects.get(content_type__app_label="comments", codename="view_verifiedsite"),
    )
    return ping.pk, token.pk, site.pk, comment.pk


@pytest.mark.django_db(transaction=True)
def test_the_rows_and_the_grants_move_to_the_linkbacks_app(back_to_the_latest_schema):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    ping_pk, token_pk, site_pk, comment_pk = _rows_before_the_move(old)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    from comments.models import Comment
    from linkbacks.models import SentLinkback, TrackbackToken, VerifiedSite

    ping = SentLinkback.objects.get(pk=ping_pk)
    assert (ping.target_url, ping.status, ping.protocol) == (
        "https://blog.example/p",
        SentLinkback.Status.SENT,
        SentLinkback.Protocol.WEBMENTION,
    )
    assert ping.article.slug == "from-before"
    assert TrackbackToken.objects.get(pk=token_pk).name == "My blog"
    assert VerifiedSite.objects.get(pk=site_pk).origin == "https://blog.example"
    assert Comment.objects.get(pk=comment_pk).token_id == token_pk
    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name="Desk").permissions.select_related("content_type")
    }
    assert granted == {
        "linkbacks.view_sentlinkback",
        "linkbacks.add_trackbacktoken",
        "linkbacks.view_verifiedsite",
    }
    assert ContentType.objects.get_for_model(SentLinkback).app_label == "linkbacks"
    assert not ContentType.objects.filter(app_label="articles", model="trackbackping").exists()
    assert not Permission.objects.filter(codename__endswith="trackbackping").exists()
    assert Permission.objects.get(codename="view_sentlinkback").name == "Can view sent linkback"


@pytest.mark.django_db(transaction=True)
def test_a_content_type_the_new_app_has_already_takes_the_old_grants(back_to_the_latest_schema):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    permission, group = old.get_model("auth", "Permission"), old.get_model("auth", "Group")
    early = old.get_model("contenttypes", "ContentType").objects.create(
        app_label="linkbacks", model="sentlinkback"
    )
    group.objects.create(name="Early").permissions.add(
        permission.objects.create(content_type=early, codename="view_sentlinkback", name="x")
    )
    group.objects.create(name="Desk").permissions.add(
        permission.objects.get(content_type__app_label="articles", codename="view_trackbackping")
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    view = Permission.objects.get(codename="view_sentlinkback")
    assert view.content_type_id == early.pk
    assert set(Group.objects.filter(permissions=view).values_list("name", flat=True)) >= {
        "Early",
        "Desk",
    }
    assert not ContentType.objects.filter(app_label="articles", model="trackbackping").exists()

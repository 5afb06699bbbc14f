"""Roles come from a data migration and stay in step with `setup_roles`; apps may contribute."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

import hooks
from articles import roles
from articles.apps import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def perms_of(name):
    return sorted(
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=name).permissions.select_related("content_type")
    )


def test_the_migration_created_both_roles():
    # The test database is built by the migrations alone: no command has run. Editors also
    # hold what the comments app contributes (moderation), granted by its own migrations; both
    # hold the linkbacks app's (the answers of pings sent), granted before it moved there.
    assert perms_of(roles.JOURNALISTS) == sorted(roles.role_permissions()[roles.JOURNALISTS])
    assert perms_of(roles.EDITORS) == sorted(roles.role_permissions()[roles.EDITORS])
    assert "articles.publish_article" not in perms_of(roles.JOURNALISTS)


def test_setup_roles_is_idempotent_and_restores_what_was_removed():
    editors = Group.objects.get(name=roles.EDITORS)
    editors.permissions.remove(Permission.objects.get(codename="publish_article"))
    out = StringIO()
    call_command("setup_roles", stdout=out)
    assert "articles.publish_article" in perms_of(roles.EDITORS)
    snapshot = (perms_of(roles.EDITORS), perms_of(roles.JOURNALISTS), Group.objects.count())
    call_command("setup_roles", stdout=StringIO())
    assert (perms_of(roles.EDITORS), perms_of(roles.JOURNALISTS), Group.objects.count()) == snapshot
    assert f"Editors: {len(roles.role_permissions()[roles.EDITORS])} permissions" in out.getvalue()


def test_prune_takes_away_permissions_given_by_hand():
    journalists = Group.objects.get(name=roles.JOURNALISTS)
    journalists.permissions.add(Permission.objects.get(codename="delete_article"))
    out = StringIO()
    call_command("setup_roles", stdout=out)
    assert "+1 given by hand" in out.getvalue()
    assert "articles.delete_article" in perms_of(roles.JOURNALISTS)
    call_command("setup_roles", "--prune", stdout=StringIO())
    assert "articles.delete_article" not in perms_of(roles.JOURNALISTS)


def test_other_apps_contribute_permissions_to_a_role(monkeypatch):
    monkeypatch.setattr(hooks, "_registered", {})
    # What the comments app does in its ready(), with one of its own permissions; two apps
    # giving the same permission give it once.
    hooks.register("role_permissions", lambda: {roles.EDITORS: ["auth.change_user"]})
    hooks.register("role_permissions", lambda: {roles.EDITORS: ["auth.change_user"]})
    call_command("setup_roles", stdout=StringIO())
    assert "auth.change_user" in perms_of(roles.EDITORS)
    assert "auth.change_user" not in perms_of(roles.JOURNALISTS)
    assert roles.role_permissions()[roles.EDITORS].count("auth.change_user") == 1


def test_unknown_permission_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(hooks, "_registered", {})
    hooks.register("role_permissions", lambda: {roles.EDITORS: ["nowhere.can_fly"]})
    with pytest.raises(LookupError, match="nowhere"):
        call_command("setup_roles", stdout=StringIO())


@pytest.fixture
def back_to_the_latest_schema():
    """Leave the database migrated to the end, as the tests after this one expect."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_upgrading_gives_existing_stories_a_first_revision_and_the_roles(back_to_the_latest_schema):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    # Up to the newest migrations of every app (the linkbacks app took over a model and its
    # grants from this one): the model below is today's.
    before, after = [("articles", "0001_initial")], executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    Group.objects.all().delete()
    old = executor.loader.project_state(before).apps
    category = old.get_model("articles", "Category").objects.create(name="Old", slug="old")
    old.get_model("articles", "Article").objects.create(
        title="From before",
        slug="from-before",
        category=category,
        body="Old body.",
        status="published",
        published_at="2024-01-02T03:04:05Z",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    from articles.models import Article

    story = Article.objects.get(slug="from-before")
    revision = story.history.get()
    assert (revision.title, revision.body, revision.history_type) == (
        "From before",
        "Old body.",
        "+",
    )
    assert (story.body_rendered, story.description) == ("<p>Old body.</p>", "Old body.")
    # The right to see the answers of pings sent, granted by articles' migration, moved along.
    answers = ["linkbacks.view_sentlinkback"]
    assert perms_of(roles.EDITORS) == sorted([*ROLE_PERMISSIONS[roles.EDITORS], *answers])

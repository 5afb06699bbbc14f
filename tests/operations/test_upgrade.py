"""WorkerHeartbeat moved from the `newsroom` app to `operations`: an upgraded database keeps its
rows, and its ContentType with the permissions granted on it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from operations.models import WorkerHeartbeat

BEFORE_THE_MOVE = [("operations", None)]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader: it reads what was just applied


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("post_migrate_ran_first", [False, True], ids=["plain", "merged"])
def test_heartbeats_and_grants_survive_the_move(post_migrate_ran_first):
    executor = migrate(BEFORE_THE_MOVE)
    try:
        # The table is newsroom's, as an existing database has it; so are the ContentType row
        # and its permissions.
        apps = executor.loader.project_state(("operations", "0001_worker_heartbeat")).apps
        heartbeat = apps.get_model("operations", "WorkerHeartbeat")
        now = timezone.now()
        heartbeat.objects.create(
            worker_id="w1", hostname="app1", pid=41, started_at=now, beat_at=now
        )
        heartbeat.objects.create(
            worker_id="w2",
            hostname="app2",
            pid=42,
            started_at=now - timedelta(hours=1),
            beat_at=now - timedelta(minutes=5),
        )
        old_type = apps.get_model("contenttypes", "ContentType").objects.get(
            app_label="newsroom", model="workerheartbeat"
        )
        permission = apps.get_model("auth", "Permission")
        group = apps.get_model("auth", "Group").objects.create(name="Operators")
        group.permissions.add(
            permission.objects.get(content_type=old_type, codename="view_workerheartbeat")
        )
        if post_migrate_ran_first:
            # `migrate <another app>` with the new code makes operations' row first.
            new_type = apps.get_model("contenttypes", "ContentType").objects.create(
                app_label="operations", model="workerheartbeat"
            )
            permission.objects.create(
                content_type=new_type, codename="view_workerheartbeat", name="Can view"
            )
    finally:
        executor = migrate(executor.loader.graph.leaf_nodes())

    ContentType.objects.clear_cache()
    assert sorted(WorkerHeartbeat.objects.values_list("worker_id", "hostname", "pid")) == [
        ("w1", "app1", 41),
        ("w2", "app2", 42),
    ]
    assert list(WorkerHeartbeat.objects.fresh(max_age=60).values_list("worker_id", flat=True)) == [
        "w1"
    ]
    assert not ContentType.objects.filter(app_label="newsroom").exists()
    moved = ContentType.objects.get_for_model(WorkerHeartbeat)
    assert moved.app_label == "operations"
    granted = Group.objects.get(name="Operators").permissions.get()
    assert (granted.content_type, granted.codename) == (moved, "view_workerheartbeat")
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


# Tasks whose module moved: rows queued by the release before (a story's pings deferred to its
# publication, retries after Retry-After, purges and checks waiting) carry the old paths.
MOVED_TASKS = {
    "articles.tasks.send_trackbacks": "linkbacks.tasks.send_trackbacks",
    "articles.tasks.retry_trackbacks": "linkbacks.tasks.retry_trackbacks",
    "articles.tasks.resend_trackback": "linkbacks.tasks.resend_trackback",
    "articles.tasks.search_index_update": "search.tasks.search_index_update",
    "comments.tasks.verify_trackback": "linkbacks.tasks.verify_trackback",
    "comments.tasks.verify_site": "linkbacks.tasks.verify_site",
    "newsroom.purge.frontend_purge": "delivery.purge.frontend_purge",
}


@pytest.mark.django_db(transaction=True)
def test_tasks_queued_under_the_old_paths_still_run_after_the_upgrade():
    from django.tasks import Task
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    executor = migrate([("operations", "0002_editors_see_task_results")])
    try:
        apps = executor.loader.project_state(("operations", "0002_editors_see_task_results")).apps
        queued = apps.get_model("django_tasks_database", "DBTaskResult")
        for old in [*MOVED_TASKS, "comments.tasks.notify_moderators"]:
            queued.objects.create(
                task_path=old,
                args_kwargs={"args": [1], "kwargs": {}},
                backend_name="default",
                run_after=timezone.now() + timedelta(days=3),
            )
    finally:
        executor = migrate(executor.loader.graph.leaf_nodes())

    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == {*MOVED_TASKS.values(), "comments.tasks.notify_moderators"}
    for path in paths:  # importable: the worker runs them
        assert isinstance(import_string(path), Task), path

"""Tasks queued before the apps were restructured name their function by its old module: a
story's pings deferred to its publication time, retries waiting on a site's Retry-After, checks
and purges not yet run. The worker imports `task_path`, so those rows point to the new modules.
"""

from django.db import migrations

MOVED = {
    "articles.tasks.send_trackbacks": "linkbacks.tasks.send_trackbacks",
    "articles.tasks.retry_trackbacks": "linkbacks.tasks.retry_trackbacks",
    "articles.tasks.resend_trackback": "linkbacks.tasks.resend_trackback",
    "articles.tasks.search_index_update": "search.tasks.search_index_update",
    "comments.tasks.verify_trackback": "linkbacks.tasks.verify_trackback",
    "comments.tasks.verify_site": "linkbacks.tasks.verify_site",
    "newsroom.purge.frontend_purge": "delivery.purge.frontend_purge",
}


def _rename(moves: dict[str, str]):
    def rename(apps, schema_editor):
        results = apps.get_model("django_tasks_database", "DBTaskResult")
        rows = results.objects.using(schema_editor.connection.alias)
        for old, new in moves.items():
            rows.filter(task_path=old).update(task_path=new)

    return rename


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0002_editors_see_task_results"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(_rename(MOVED), _rename({new: old for old, new in MOVED.items()})),
    ]

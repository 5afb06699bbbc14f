from django.apps import AppConfig

import hooks


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from django.conf import settings
        from django.contrib import admin
        from django.tasks.signals import task_finished, task_started
        from django_tasks_db.models import DBTaskResult

        from . import database, replica, tasks
        from .admin import TaskResultAdmin

        # A task knows its own id while it runs: every run of one job sends the same Message-ID.
        task_started.connect(tasks.task_started_note)
        task_finished.connect(tasks.task_finished_note)
        # The task list shows when each waiting task runs next (the admin's autodiscovery
        # registered django_tasks_db's own list already, the admin app being listed first).
        admin.site.unregister(DBTaskResult)
        admin.site.register(DBTaskResult, TaskResultAdmin)

        # A database that stops answering costs a request seconds, never a thread for good.
        database.pools_guarded(
            settings.DATABASES,
            answer_timeout=settings.DATABASE_ANSWER_TIMEOUT,
            check_timeout=settings.DB_CHECK_TIMEOUT,
        )

        # With a read replica, every new version records the primary's log position.
        if replica.configured():
            hooks.register("version_position", replica.primary_position)
            hooks.register("versions_seen", replica.versions_seen)

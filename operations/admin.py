"""The task list in the admin, with when each waiting task runs next (a retry's time)."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        *DBTaskResultAdmin.list_display[:3],
        "next_attempt",
        *DBTaskResultAdmin.list_display[3:],
    )

    @admin.display(description="next attempt", ordering="run_after")
    def next_attempt(self, obj):
        return (
            self.display_run_after(obj) if obj.status == "READY" else self.get_empty_value_display()
        )

from django.apps import AppConfig
from django.db.models.signals import pre_save

import hooks
from newsroom import roles
from newsroom.text import stored_text_clean


def role_permissions() -> dict[str, list[str]]:
    """Editors see the background tasks (failed mail, checks, pings) in the admin, read-only."""
    return {roles.EDITORS: ["django_tasks_database.view_dbtaskresult"]}


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from delivery import invalidation
        from newsroom import replica
        from newsroom.admin import failed_tasks

        hooks.register("role_permissions", role_permissions)
        hooks.register("desk_items", failed_tasks)
        # Every stored text column, of every model, through every door: no control characters.
        pre_save.connect(stored_text_clean, dispatch_uid="newsroom:stored-text-clean")
        # Stored pages are forgotten when the apps' facts change (from delivery's own ready later).
        invalidation.connect()
        # With a read replica, every new version records the primary's log position.
        if replica.configured():
            hooks.register("version_position", replica.primary_position)
            hooks.register("versions_seen", replica.versions_seen)

from django.apps import AppConfig
from django.db.models.signals import pre_save

from newsroom import roles
from newsroom.text import stored_text_clean


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Editors see the background tasks (failed mail, checks, pings) in the admin, read-only.
        roles.contribute(roles.EDITORS, ["django_tasks_database.view_dbtaskresult"])
        # Every stored text column, of every model, through every door: no control characters.
        pre_save.connect(stored_text_clean, dispatch_uid="newsroom:stored-text-clean")
        # With a read replica, every new version records the primary's log position.
        from newsroom import replica, versions

        if replica.configured():
            versions.position_register(replica.primary_position)
            versions.seen_register(replica.versions_seen)

from django.apps import AppConfig

from newsroom import roles


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Editors see the background tasks (failed mail, checks, pings) in the admin, read-only.
        roles.contribute(roles.EDITORS, ["django_tasks_database.view_dbtaskresult"])

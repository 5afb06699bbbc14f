from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import roles, signals  # noqa: F401 - signals connects the receivers

        # Editors see the background tasks (failed mail, checks, pings) in the admin, read-only.
        roles.contribute(roles.EDITORS, ["django_tasks_database.view_dbtaskresult"])

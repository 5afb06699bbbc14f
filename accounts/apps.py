from django.apps import AppConfig

import hooks


def role_permissions() -> dict[str, list[str]]:
    """Editors see the background tasks (failed mail, checks, pings) in the admin, read-only."""
    from articles.roles import EDITORS

    return {EDITORS: ["django_tasks_database.view_dbtaskresult"]}


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import signals  # noqa: F401 - signals connects the receivers
        from .allauth_cache import allauth_cache_install

        allauth_cache_install()

        hooks.register("role_permissions", role_permissions)

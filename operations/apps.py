from django.apps import AppConfig

import hooks


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from django.conf import settings

        from . import database, replica

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

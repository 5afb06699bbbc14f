from django.apps import AppConfig

import hooks


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from . import replica

        # With a read replica, every new version records the primary's log position.
        if replica.configured():
            hooks.register("version_position", replica.primary_position)
            hooks.register("versions_seen", replica.versions_seen)

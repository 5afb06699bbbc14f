from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        # With a read replica, every new version records the primary's log position.
        from delivery import versions

        from . import replica

        if replica.configured():
            versions.position_register(replica.primary_position)
            versions.seen_register(replica.versions_seen)

from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Page delivery"

    def ready(self):
        from . import invalidation

        # Stored pages are forgotten when the apps' facts change (articles/signals.py,
        # comments/signals.py).
        invalidation.connect()

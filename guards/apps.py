from django.apps import AppConfig
from django.db.models.signals import pre_save


class GuardsConfig(AppConfig):
    name = "guards"
    verbose_name = "Request guards"

    def ready(self):
        from .text import stored_text_clean

        # Every stored text column, of every model, through every door: no control characters.
        pre_save.connect(stored_text_clean, dispatch_uid="newsroom:stored-text-clean")

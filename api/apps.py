from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only content API: it reads articles and comments, and neither knows of it."""

    name = "api"
    verbose_name = "Content API"

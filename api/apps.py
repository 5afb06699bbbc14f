from django.apps import AppConfig


def story_api_paths(story) -> list[str]:
    """The API answers about a story that a change to it makes stale (for the cache in front)."""
    from django.urls import reverse

    return [reverse("api:story", kwargs={"pk": story.pk}), reverse("api:stories")]


class ApiConfig(AppConfig):
    """The read-only content API: it reads articles and comments, and neither knows of it."""

    name = "api"
    verbose_name = "Content API"

    def ready(self):
        from delivery import purge

        # A cache in front forgets the story's API answers with its page (comment counts too).
        purge.story_paths_register(story_api_paths)

from django.apps import AppConfig

from articles import roles


def role_permissions() -> dict[str, list[str]]:
    """Who sees what the sites a story told answered (the story's admin page), and who manages
    the personal tokens and sees the verified sites; `setup_roles` keeps the groups in step."""
    return {
        roles.JOURNALISTS: ["linkbacks.view_sentlinkback"],
        roles.EDITORS: [
            "linkbacks.view_sentlinkback",
            "linkbacks.view_trackbacktoken",
            "linkbacks.add_trackbacktoken",
            "linkbacks.change_trackbacktoken",
            "linkbacks.view_verifiedsite",
        ],
    }


class LinkbacksConfig(AppConfig):
    name = "linkbacks"
    verbose_name = "Linkbacks"

    def ready(self):
        import hooks
        from articles.signals import story_published

        from .advertise import mention_endpoints
        from .discussion import story_trackbacks
        from .services import story_published_linkbacks_queue

        # A story sent out tells the pages it links to (now, or when it goes live).
        story_published.connect(story_published_linkbacks_queue, dispatch_uid="linkbacks:send")
        # Story pages advertise the Webmention and Pingback endpoints, and show the trackbacks.
        hooks.register("story_links", mention_endpoints)
        hooks.register("story_context", story_trackbacks)
        hooks.register("role_permissions", role_permissions)

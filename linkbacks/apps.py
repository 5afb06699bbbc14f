from django.apps import AppConfig

from newsroom import roles

# Who sees what the sites a story told answered (the story's admin page), and who manages the
# personal tokens and sees the verified sites; `setup_roles` keeps the groups in step.
ROLE_PERMISSIONS = {
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
        from .services import story_published_linkbacks_queue

        # A story sent out tells the pages it links to (now, or when it goes live).
        story_published.connect(story_published_linkbacks_queue, dispatch_uid="linkbacks:send")
        # Story pages advertise the Webmention and Pingback endpoints.
        hooks.register("story_links", mention_endpoints)
        for role, permissions in ROLE_PERMISSIONS.items():
            roles.contribute(role, permissions)

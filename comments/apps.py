from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from accounts import roles


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments and trackbacks"

    def ready(self):
        # Every door that stores, changes or deletes one comment (posting, trackbacks received,
        # the admin) forgets the story's stored pages; queryset updates call caching themselves.
        from delivery import purge, versions
        from newsroom.linkbacks.advertise import advertiser_register

        from . import caching
        from .linkbacks.advertise import mention_endpoints

        comment = self.get_model("Comment")
        post_save.connect(caching.comment_changed, sender=comment, dispatch_uid="page:comment")
        post_delete.connect(caching.comment_changed, sender=comment, dispatch_uid="page-comment")
        # Closing by age changes the page with no write: the story's version ends then.
        versions.story_schedule_register(caching.discussion_closes)
        # A story's comments feed is forgotten by the cache in front with the story's page.
        purge.story_paths_register(caching.story_comment_paths)
        # Story pages advertise the Webmention and Pingback endpoints.
        advertiser_register(mention_endpoints)
        # Editors moderate; `setup_roles` keeps the group in step with this list.
        roles.contribute(
            roles.EDITORS,
            [
                "comments.can_moderate",
                "comments.view_comment",
                "comments.change_comment",
                "comments.delete_comment",
                "comments.view_moderationrule",
                "comments.add_moderationrule",
                "comments.change_moderationrule",
                "comments.delete_moderationrule",
                "comments.view_trackbacktoken",
                "comments.add_trackbacktoken",
                "comments.change_trackbacktoken",
                "comments.view_verifiedsite",
            ],
        )

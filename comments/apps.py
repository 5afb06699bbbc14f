from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

import hooks
from articles import roles


def role_permissions() -> dict[str, list[str]]:
    """Editors moderate; `setup_roles` keeps the group in step with this list."""
    return {
        roles.EDITORS: [
            "comments.can_moderate",
            "comments.view_comment",
            "comments.change_comment",
            "comments.delete_comment",
            "comments.view_moderationrule",
            "comments.add_moderationrule",
            "comments.change_moderationrule",
            "comments.delete_moderationrule",
        ]
    }


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments and trackbacks"

    def ready(self):
        # Every door that stores, changes or deletes one comment (posting, trackbacks received,
        # the admin) tells of the discussion that changed; queryset updates tell it themselves.
        from . import caching, discussion
        from .admin import moderation_queue

        comment = self.get_model("Comment")
        post_save.connect(caching.comment_changed, sender=comment, dispatch_uid="page:comment")
        post_delete.connect(caching.comment_changed, sender=comment, dispatch_uid="page-comment")
        # Closing by age changes the page with no write: the story's version ends then.
        hooks.register("story_version_expires", caching.discussion_closes)
        # A story's comments feed is forgotten by the cache in front with the story's page.
        hooks.register("story_paths", caching.story_comment_paths)
        # A story page shows its discussion.
        hooks.register("story_context", discussion.story_discussion)
        hooks.register("role_permissions", role_permissions)
        hooks.register("desk_items", moderation_queue)

from django.apps import AppConfig

from newsroom import roles


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments and trackbacks"

    def ready(self):
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
            ],
        )

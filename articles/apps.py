from django.apps import AppConfig

import hooks
from articles import roles

# Journalists write; whose stories they may change, and when, is decided in `workflow`.
ROLE_PERMISSIONS = {
    roles.JOURNALISTS: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_category",
        "articles.view_correction",
        "articles.add_bodyimage",
        "articles.view_bodyimage",
    ],
    roles.EDITORS: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.publish_article",
        "articles.edit_any_article",
        "articles.add_category",
        "articles.change_category",
        "articles.delete_category",
        "articles.view_category",
        "articles.view_correction",
        "articles.add_bodyimage",
        "articles.view_bodyimage",
        "articles.add_storyredirect",
        "articles.change_storyredirect",
        "articles.delete_storyredirect",
        "articles.view_storyredirect",
        "articles.view_authorprofile",
        "articles.change_authorprofile",
        # Lets editors pick any staff member as a story's author (admin autocomplete).
        "auth.view_user",
    ],
}


def role_permissions() -> dict[str, list[str]]:
    """What journalists and editors may do with stories, sections and authors."""
    return ROLE_PERMISSIONS


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Desk"  # the admin reads "Desk > Stories", not "Stories > Stories"

    def ready(self):
        from . import caching
        from .admin import desk, tasks

        # Every write to a story, a section or an author, whatever its door, is told as a fact
        # (articles/signals.py): the pages showing it are forgotten elsewhere.
        caching.facts_connect()
        # Every public page changes when the next scheduled story goes live.
        hooks.register("site_version_expires", caching.next_publication)
        hooks.register("role_permissions", role_permissions)
        for item in (
            tasks.failed_tasks,
            tasks.waiting_tasks,
            desk.review_queue,
            desk.scheduled_stories,
            desk.returned_to_me,
            desk.pending_changes,
            desk.embargoed_stories,
        ):
            hooks.register("desk_items", item)

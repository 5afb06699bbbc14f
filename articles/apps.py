from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

from accounts import roles


def _search_index_ensure(sender, using, **kwargs):
    # SQLite drops a table's triggers when a migration rebuilds the table: put them back.
    from django.db import connections

    from .search_index import index_ensure

    index_ensure(connections[using])


# Journalists write; whose stories they may change, and when, is decided in `workflow`.
ROLE_PERMISSIONS = {
    roles.JOURNALISTS: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_category",
        "articles.view_correction",
        # What the sites a story told answered (the story's admin page).
        "articles.view_trackbackping",
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
        "articles.view_trackbackping",
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


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Desk"  # the admin reads "Desk > Stories", not "Stories > Stories"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks

        post_migrate.connect(_search_index_ensure, sender=self)
        self._page_cache_connect()
        for role, permissions in ROLE_PERMISSIONS.items():
            roles.contribute(role, permissions)

    def _page_cache_connect(self):
        # Row signals rather than calls in the services: a section has no service, and stories
        # are also written by the demo loader, the shell and test builders; none may leave a
        # stale page behind.
        from django.contrib.auth import get_user_model

        from delivery import versions

        from . import caching, purging

        models = (
            self.get_model("Article"),
            self.get_model("Category"),
            self.get_model("AuthorProfile"),
        )
        for model in models:
            post_save.connect(caching.site_changed, sender=model, dispatch_uid=f"page:{model}")
            post_delete.connect(caching.site_changed, sender=model, dispatch_uid=f"page-{model}")
            # The paths the row had before a save are stale too (for the cache in front).
            pre_save.connect(purging.remember_before, sender=model, dispatch_uid=f"purge:{model}")
        # A search engine beside the database (SEARCH_BACKEND) hears of every write to a story.
        from .tasks import search_index_follow

        article = self.get_model("Article")
        post_save.connect(search_index_follow, sender=article, dispatch_uid="search:save")
        post_delete.connect(search_index_follow, sender=article, dispatch_uid="search:delete")
        user = get_user_model()
        post_save.connect(caching.author_changed, sender=user, dispatch_uid="page:author")
        versions.schedule_register(caching.next_publication)

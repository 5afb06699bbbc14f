"""Writers as the public sees them: whose stories a page lists, and where a byline links.

The model is `articles.models.AuthorProfile`; its writes are in `authors.py`."""

from django.db.models import Q, QuerySet

from .models import AuthorProfile


def credited_to(stories: QuerySet, profile: AuthorProfile) -> QuerySet:
    """The stories of `stories` that name the writer of `profile`: theirs, under their own name
    (or no byline). One credited to another byline ("Our correspondent") is not shown as theirs,
    as `byline_page` does not link it to them."""
    return stories.filter(author_id=profile.user_id).filter(Q(byline="") | Q(byline=profile.name))


def byline_page(article) -> AuthorProfile | None:
    """The author's page, when the byline is the author's own name and the page exists.

    Read with `select_related(BYLINE_JOIN)` (`for_listing()` does), so no list pays a query per
    story. A byline typed over the author's name ("Staff and agencies") is not theirs alone,
    and links nowhere.
    """
    if not article.author_id:
        return None
    author = article.author
    if article.byline and article.byline != (author.get_full_name() or author.get_username()):
        return None
    try:
        return author.author_profile
    except AuthorProfile.DoesNotExist:
        return None

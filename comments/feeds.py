"""A story's discussion as RSS: its approved comments and the linkbacks shown under it."""

import copy

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.html import escape, linebreaks

from articles.models import Article
from delivery.pagecache import page_begin, story_page

from .models import Comment

FEED_SIZE = 30


class StoryCommentsFeed(Feed):
    """RSS of a story's approved comments and linkbacks (trackbacks, pingbacks, webmentions:
    rows of the trackback kind, shown under the story), newest first.

    A public page like the story's own: stored, with validators that follow the story's
    discussion, and a 304 when the reader has it.
    """

    def __call__(self, request, **url_kwargs):
        page_begin(request, conditional=False, shows_reader=False)  # 304 once the story is known
        article = get_object_or_404(Article.objects.published().at_url(**url_kwargs))
        # The URLconf shares one instance between threads: keep the story on a copy.
        feed = copy.copy(self)
        feed.article = article
        return story_page(request, article.pk) or Feed.__call__(feed, request, **url_kwargs)

    def get_object(self, request, **url_kwargs):
        return self.article

    def title(self, article):
        return f"Comments on {article.title}"

    def link(self, article):
        return f"{article.get_absolute_url()}#comments"

    def description(self, article):
        return f"Readers' comments on \u201c{article.title}\u201d."

    def items(self, article):
        return (
            Comment.objects.approved()
            .filter(article=article, kind__in=[Comment.Kind.COMMENT, Comment.Kind.TRACKBACK])
            .select_related("article")
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    # Many readers show titles and authors as HTML, so readers' names are escaped (as WordPress
    # does); the XML writer then escapes once more. A name with "&" reads "&amp;" in a strict
    # reader: the price of never letting a name become markup in a careless one.
    def item_title(self, comment):
        if comment.kind == Comment.Kind.TRACKBACK:
            return escape(f"Trackback from {comment.name}")
        return escape(f"Comment by {comment.name}")

    def item_description(self, comment):
        # Feed readers treat descriptions as HTML: escape the reader's text first.
        text = linebreaks(escape(comment.body))
        if comment.kind == Comment.Kind.TRACKBACK:  # as the story page shows it: the link first
            link = f'<a href="{escape(comment.url)}" rel="nofollow ugc">{escape(comment.title)}</a>'
            return f"<p>{link}</p>{text if comment.body else ''}"
        return text

    def item_link(self, comment):
        if comment.kind == Comment.Kind.TRACKBACK:
            return f"{comment.article.get_absolute_url()}#t{comment.pk}"  # its place on the page
        return comment.get_absolute_url()

    def item_categories(self, comment):
        return [comment.kind]  # "comment" or "trackback": which one each entry is

    def item_author_name(self, comment):
        # Plain text by the spec, but not every reader agrees: escaped like the title.
        return escape(comment.name)

    def item_pubdate(self, comment):
        return comment.created_at

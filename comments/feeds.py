from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.html import escape, linebreaks

from articles.models import Article

from .models import Comment


class StoryCommentsFeed(Feed):
    """RSS of a story's approved comments, newest first."""

    def get_object(self, request, **url_kwargs):
        return get_object_or_404(Article.objects.published().at_url(**url_kwargs))

    def title(self, article):
        return f"Comments on {article.title}"

    def link(self, article):
        return f"{article.get_absolute_url()}#comments"

    def description(self, article):
        return f"Readers' comments on \u201c{article.title}\u201d."

    def items(self, article):
        return (
            Comment.objects.comments()
            .approved()
            .filter(article=article)
            .select_related("article")
            .order_by("-created_at", "-pk")[:30]
        )

    # Many readers show titles and authors as HTML, so readers' names are escaped (as WordPress
    # does); the XML writer then escapes once more. A name with "&" reads "&amp;" in a strict
    # reader: the price of never letting a name become markup in a careless one.
    def item_title(self, comment):
        return escape(f"Comment by {comment.name}")

    def item_description(self, comment):
        # Feed readers treat descriptions as HTML: escape the reader's text first.
        return linebreaks(escape(comment.body))

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_author_name(self, comment):
        # Plain text by the spec, but not every reader agrees: escaped like the title.
        return escape(comment.name)

    def item_pubdate(self, comment):
        return comment.created_at

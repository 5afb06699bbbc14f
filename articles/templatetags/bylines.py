"""Where a story's byline links."""

from django import template

from articles.people import byline_page

register = template.Library()


@register.filter
def author_page(article):
    """The story's author page when its byline should link there, else None."""
    return byline_page(article)

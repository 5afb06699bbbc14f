"""How long a story takes to read."""

from django import template

from articles.textstats import reading_minutes

register = template.Library()


@register.filter
def reading_time(article):
    """Minutes needed to read a story's standfirst and body."""
    return reading_minutes(f"{article.standfirst} {article.body}")

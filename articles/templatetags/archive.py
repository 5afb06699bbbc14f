"""The archive's links in every page's footer."""

from django import template

from articles.archive import archive_nav_html

register = template.Library()


@register.simple_tag
def archive_nav():
    return archive_nav_html()

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.discovery import archive_nav_html, reading_minutes
from articles.people import byline_page

register = template.Library()

# As json_script does, plus the line separators some parsers treat as newlines.
_JSON_SCRIPT_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


@register.simple_tag
def json_ld(data):
    """A JSON-LD block that no string inside `data` can close early (`</script>` is escaped).

    It carries no CSP nonce: it is data, never run, and a nonce would make each copy differ.
    """
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


@register.filter
def reading_time(article):
    """Minutes needed to read a story's standfirst and body."""
    return reading_minutes(f"{article.standfirst} {article.body}")


@register.simple_tag
def archive_nav():
    return archive_nav_html()


@register.filter
def author_page(article):
    """The story's author page when its byline should link there, else None."""
    return byline_page(article)

"""A page of search results as HTML, written here rather than by the template engine.

Every search renders afresh (readers' words rarely repeat), and twenty teasers through the
template engine (an include, a filter and two `reverse()` per story) cost more than the search's
own queries. Same markup as the template it replaces: kicker, headline link, snippet (or
standfirst), date and byline (linked to the author's page when it is theirs alone).
"""

from html import escape  # the standard library's: these values are all plain text

from django import template
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from articles.people import byline_page
from delivery.times import machine_time

register = template.Library()


def _byline(article) -> str:
    text = article.byline_text
    if not text:
        return ""
    profile = byline_page(article)
    if profile is not None:
        return f' · <a href="{escape(profile.get_absolute_url())}" rel="author">{escape(text)}</a>'
    return f" · {escape(text)}"


def _summary(article) -> str:
    if article.snippet:  # already escaped, with its <mark> elements (search.query)
        return f'<p class="snippet">{conditional_escape(article.snippet)}</p>'
    if article.standfirst:
        return f'<p class="standfirst">{escape(article.standfirst)}</p>'
    return ""


@register.simple_tag
def search_results(articles) -> SafeString:
    """The teasers of a page of results (each story with its `snippet`), in order.

    Plain string building with every value escaped (`format_html` cost a millisecond a page).
    """
    section_links: dict[int, str] = {}
    months: dict[int, str] = {}
    parts = []
    for article in articles:
        category = article.category
        if category.pk not in section_links:
            url, name = escape(category.get_absolute_url()), escape(category.name)
            section_links[category.pk] = f'<a href="{url}">{name}</a>'
        # "j F Y", the month's name looked up once a page.
        local = localtime(article.published_at)
        if local.month not in months:
            months[local.month] = escape(str(MONTHS[local.month]))
        day = f"{local.day} {months[local.month]} {local.year}"
        parts.append(
            '\n    <article class="teaser result">\n'
            f'      <p class="kicker">{section_links[category.pk]}</p>\n'
            f'      <h2><a href="{escape(article.get_absolute_url())}">{escape(article.title)}'
            "</a></h2>\n"
            f"      {_summary(article)}\n"
            f'      <p class="meta"><time datetime="{machine_time(local)}">{day}'
            f"</time>{_byline(article)}</p>\n"
            "    </article>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

"""How stories are described to machines and readers: images, structured data, archive links."""

import re
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from delivery import versions
from delivery.release import deploy_salt
from delivery.site import absolute_url, default_social_image_url, publisher_logo_url
from delivery.times import machine_time
from guards.text import without_control_characters

from . import images
from .models import Article
from .people import byline_page
from .rendering import article_description_text
from .textstats import text_stats

# Beside control characters, XML 1.0 cannot carry these two; one pasted vertical tab must not
# take a whole feed down.
_XML_NONCHARACTERS = re.compile("[\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Drop the characters XML 1.0 forbids (feeds and sitemaps are XML)."""
    return _XML_NONCHARACTERS.sub("", without_control_characters(text))


def reading_minutes(text: str) -> int:
    """Minutes an average reader needs for `text` (at least one), as the change form counts."""
    return max(1, text_stats(text).minutes)


def article_description(article: Article) -> str:
    """The story's summary for search engines and shares, as stored when it was written."""
    if article.description or not article.body:
        return article.description
    return article_description_text(article.standfirst, article.body_html)  # an unsaved row


def article_structured_data(article: Article) -> dict:
    """schema.org NewsArticle for a story page (JSON-LD)."""
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],  # Google shows at most 110 characters
        "description": article_description(article),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": machine_time(article.published_at),
        "dateModified": machine_time(modified_at(article)),
        "articleSection": article.category.name,
        "inLanguage": settings.LANGUAGE_CODE,
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "logo": {"@type": "ImageObject", "url": publisher_logo_url()},
        },
    }
    if article.byline_text:
        data["author"] = {"@type": "Person", "name": article.byline_text}
        profile = byline_page(article)
        if profile is not None and article.is_public:  # then their page exists
            data["author"]["url"] = absolute_url(profile.get_absolute_url())
    else:
        data["author"] = {"@type": "Organization", "name": settings.SITE_NAME}
    # Google's rich results want 16:9, 4:3 and 1:1 at 1200 px wide; a story without a picture
    # of its own shows the site's default one.
    data["image"] = [absolute_url(url) for url in images.rich_result_image_urls(article)] or [
        default_social_image_url()
    ]
    if corrections := article.corrections_shown:
        data["correction"] = [correction_structured_data(c, url) for c in corrections]
    return data


def article_share_image(article: Article) -> str:
    """Absolute URL of the card shares show (Open Graph, Twitter): the story's, or the default."""
    image = images.article_social_image(article)
    return absolute_url(image.url) if image is not None else default_social_image_url()


def correction_text(correction) -> str:
    """A correction in one line of plain text: what is right, and what the story said."""
    return f"{correction.right} (The story said: {correction.wrong})"


def correction_structured_data(correction, story_url: str) -> dict:
    """schema.org CorrectionComment for one correction of a story."""
    return {
        "@type": "CorrectionComment",
        "text": correction_text(correction),
        "datePublished": machine_time(correction.created_at),
        "url": f"{story_url}#correction-{correction.pk}",
    }


def modified_at(article: Article):
    """When the public version last changed: never before it was published."""
    return max(article.updated_at, article.published_at)


def _archive_key() -> str:
    site = versions.peek([versions.SITE]).get(versions.SITE)
    token = site.token if site is not None else "-"
    return f"articles:archive-months:{timezone.get_current_timezone_name()}:{token}"


def archive_nav_html() -> SafeString:
    """The footer's archive links, rendered once per site version and deploy: ten years are
    120 links, whose rendering cost more than the rest of a page."""
    key = f"{_archive_key()}:html:{deploy_salt()}:{translation.get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("includes/archive_nav.html", {"archive_years": archive_months()})
        cache.set(key, html, settings.ARCHIVE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the (escaping) template just above


def archive_months() -> list[tuple[int, list[date]]]:
    """Years with their months that have published stories, newest first; cached.

    One query on a cache miss (`dates()` groups in the database), none on a hit. The key carries
    the time zone because months are cut in it, and the site's version, so a story written
    forgets it at once; otherwise a new month shows within ARCHIVE_CACHE_SECONDS.
    """
    key = _archive_key()
    years = cache.get(key)
    if years is None:
        months = Article.objects.published().dates("published_at", "month", order="DESC")
        grouped: dict[int, list[date]] = {}
        for month in months:
            grouped.setdefault(month.year, []).append(month)
        years = list(grouped.items())
        cache.set(key, years, settings.ARCHIVE_CACHE_SECONDS)
    return years

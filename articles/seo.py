"""A story page as search engines and shares read it: its summary, JSON-LD and share image."""

from django.conf import settings

from delivery.site import absolute_url, default_social_image_url, publisher_logo_url
from delivery.times import machine_time

from . import images
from .corrections import correction_text
from .models import Article
from .people import byline_page
from .rendering import article_description_text


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

"""RSS 2.0 and Atom feeds of the latest published stories, for the site and for each section."""

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc3339_date
from django.utils.html import escape

from delivery.pagecache import page_begin
from delivery.site import absolute_url, html_with_absolute_urls

from .corrections import correction_text
from .models import Article, AuthorProfile, Category, Correction
from .people import credited_to
from .seo import article_description, modified_at
from .xml_text import xml_text

FEED_SIZE = 30


class RssWithContent(Rss201rev2Feed):
    """RSS 2.0 with the full story in `content:encoded` (the description stays the lead) and
    its last change in `dcterms:modified` (RSS itself only has the publication date)."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dcterms": "http://purl.org/dc/terms/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])
        if item["updateddate"] is not None:
            handler.addQuickElement("dcterms:modified", rfc3339_date(item["updateddate"]))


class AtomWithContent(Atom1Feed):
    """Atom with the full story as `<content type="html">` beside the `<summary>`."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


class LatestStoriesFeed(Feed):
    feed_type = RssWithContent

    def __call__(self, request, *args, **kwargs):
        # The URLconf shares one instance between threads: keep the request on a copy.
        feed = copy.copy(self)
        feed.request = request  # absolute links come from SITE_URL or this request
        return page_begin(request, shows_reader=False) or Feed.__call__(
            feed, request, *args, **kwargs
        )

    def title(self, obj):
        return settings.SITE_NAME

    def description(self, obj):
        return f"The latest stories from {settings.SITE_NAME}."

    def link(self, obj):
        return absolute_url(reverse("articles:home"))

    def feed_url(self, obj):
        return absolute_url(self.request.path)

    def author_name(self, obj):
        # Atom wants an author for the feed when an entry has none.
        return settings.SITE_NAME

    def stories(self, obj):
        return Article.objects.published()

    def items(self, obj):
        return self.stories(obj).for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        # The standfirst, else the opening words: plain text, and readers take descriptions
        # (Atom: summary type="html") as HTML, so it is escaped once here.
        return escape(xml_text(article_description(item)))

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid_is_permalink(self, item):
        return True

    def item_author_name(self, item):
        return xml_text(item.byline_text) or None

    def item_categories(self, item):
        return [xml_text(item.category.name)]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return modified_at(item)

    def item_enclosures(self, item):
        image = item.social_image()
        if image is None:
            return []
        url = absolute_url(image.url)
        return [Enclosure(url, str(image.length), image.mime_type)]

    def item_extra_kwargs(self, item):
        # Readers show the content away from the page: every address in it made absolute.
        content = html_with_absolute_urls(item.body_html, self.item_link(item))
        return {"content_html": xml_text(content)}


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = AtomWithContent
    subtitle = LatestStoriesFeed.description


class CategoryFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj):
        return f"{obj.name} · {settings.SITE_NAME}"

    def description(self, obj):
        return obj.description or f"The latest {obj.name} stories from {settings.SITE_NAME}."

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def stories(self, obj):
        return Article.objects.published().filter(category=obj)


class CategoryAtomFeed(CategoryFeed):
    feed_type = AtomWithContent
    subtitle = CategoryFeed.description


class AuthorFeed(LatestStoriesFeed):
    """One writer's latest stories; like their page, it exists only once they have one."""

    def get_object(self, request, slug):
        profile = get_object_or_404(AuthorProfile.objects.select_related("user"), slug=slug)
        if not credited_to(Article.objects.published(), profile).exists():
            raise Http404("No published stories by this author.")
        return profile

    def title(self, obj):
        return f"{xml_text(obj.name)} · {settings.SITE_NAME}"

    def description(self, obj):
        return f"The latest stories by {xml_text(obj.name)} on {settings.SITE_NAME}."

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def stories(self, obj):
        return credited_to(Article.objects.published(), obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = AtomWithContent
    subtitle = AuthorFeed.description


class CorrectionsFeed(LatestStoriesFeed):
    """Every correction readers may see, newest first: one entry per correction."""

    def title(self, obj):
        return f"Corrections · {settings.SITE_NAME}"

    def description(self, obj):
        return f"Every correction {settings.SITE_NAME} has published, newest first."

    def link(self, obj):
        return absolute_url(reverse("articles:corrections"))

    def items(self, obj):
        return (
            Correction.objects.public()
            .select_related("article", "article__category")
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return xml_text(f"Correction: {item.story_title or item.article.title}")

    def item_description(self, item):
        return escape(xml_text(correction_text(item)))

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_author_name(self, item):
        return None

    def item_categories(self, item):
        return [xml_text(item.article.category.name)]

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at

    def item_enclosures(self, item):
        return []

    def item_extra_kwargs(self, item):
        return {"content_html": escape(xml_text(correction_text(item)))}


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = AtomWithContent
    subtitle = CorrectionsFeed.description

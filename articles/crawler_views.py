"""What crawlers read: sitemaps, the Google News sitemap and robots.txt."""

from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_safe

from delivery.pagecache import public_page
from delivery.site import absolute_url, site_origin

from .sitemaps import SITEMAPS, NewsSitemap

# sitemaps.org: at most 50,000 URLs in one file.
SITEMAP_MAX_URLS = 50_000
XML = "application/xml"


def urlset(urls: list[dict]) -> HttpResponse:
    """A sitemap's XML, written directly: 50,000 URLs through a template take seconds."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    ]
    zone = timezone.get_current_timezone()
    for url in urls:
        lastmod = ""
        if url["lastmod"]:  # to the second, as machine_time writes it; the zone looked up once
            when = url["lastmod"].astimezone(zone).replace(microsecond=0).isoformat()
            lastmod = f"<lastmod>{when}</lastmod>"
        changefreq = f"<changefreq>{url['changefreq']}</changefreq>" if url["changefreq"] else ""
        lines.append(f"<url><loc>{escape(url['location'])}</loc>{lastmod}{changefreq}</url>\n")
    lines.append("</urlset>\n")
    return HttpResponse("".join(lines), content_type=XML)


# Sitemaps are public pages: stored with the site's version (any write to a story or section
# forgets them), answered with ETag/Last-Modified and 304, never built again for the next crawler.
@require_safe
@x_robots_tag
@public_page(shows_reader=False)
def sitemap(request):
    """All public pages in one file while they fit in it, else an index of section pages."""
    origin = site_origin()
    maps = {section: cls() for section, cls in SITEMAPS.items()}
    total = sum(site.paginator.count for site in maps.values())
    if total <= SITEMAP_MAX_URLS and all(site.paginator.num_pages == 1 for site in maps.values()):
        return urlset([url for site in maps.values() for url in site.get_urls(origin=origin)])
    entries = []
    for section, site in maps.items():
        if not site.paginator.count:
            continue  # nothing in it (no author page yet): no entry without a lastmod
        path = reverse("articles:sitemap_section", kwargs={"section": section})
        location = absolute_url(path)
        lastmod = site.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        for page in range(2, site.paginator.num_pages + 1):
            entries.append(SitemapIndexItem(f"{location}?p={page}", lastmod))
    return TemplateResponse(request, "sitemaps/index.xml", {"sitemaps": entries}, content_type=XML)


@require_safe
@x_robots_tag
@public_page(params=frozenset({"p"}), shows_reader=False)
def sitemap_section(request, section):
    """One page (`?p=`) of one section of the sitemap."""
    if section not in SITEMAPS:
        raise Http404("No such sitemap section.")
    try:
        page = request.GET.get("p", 1)
        urls = SITEMAPS[section]().get_urls(page=page, origin=site_origin())
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such sitemap page.") from error
    return urlset(urls)


@require_safe
@x_robots_tag
@public_page(shows_reader=False)
def news_sitemap(request):
    """Google News sitemap: stories published in the last two days."""
    urls = NewsSitemap().get_urls(origin=site_origin())
    return TemplateResponse(request, "sitemaps/news.xml", {"urlset": urls}, content_type=XML)


def sitemap_paths() -> list[tuple[str, str]]:
    """Every sitemap page's path and query string: what the worker builds ahead of crawlers."""
    paths = [(reverse("articles:sitemap"), ""), (reverse("articles:news_sitemap"), "")]
    for section, cls in SITEMAPS.items():
        path = reverse("articles:sitemap_section", kwargs={"section": section})
        paths += [(path, "" if n == 1 else f"p={n}") for n in cls().paginator.page_range]
    return paths


# A public page like the sitemaps it names: validators, Cache-Control, stored.
@require_safe
@public_page(shows_reader=False)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute_url(reverse('articles:sitemap'))}",
        f"Sitemap: {absolute_url(reverse('articles:news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

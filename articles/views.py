from functools import cache, partial

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views import generic

import hooks
from delivery.pagecache import fragment_context, public_page, story_page
from delivery.pagination import IndexedPaginator

from .models import BYLINE_JOIN, Article, AuthorProfile, Category, Correction
from .people import credited_to
from .redirects import redirect_target
from .seo import article_share_image, article_structured_data

RELATED_STORIES = 4
# Public pages: stored for anonymous readers, varied only by these query parameters.
list_page = method_decorator(public_page(params=frozenset({"page"})), name="dispatch")


class PublishedArticleMixin:
    """Every public view reads stories through `published()` with the listing joins."""

    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    paginator_class = IndexedPaginator  # page 1,000 costs what page 1 does

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_paginator(self, queryset, per_page, **kwargs):
        # The list's length is counted once per site version (every write changes it).
        return super().get_paginator(queryset, per_page, count_key=self.request.path, **kwargs)

    def get_queryset(self):
        return Article.objects.published().for_listing()


@list_page
class HomeView(PublishedArticleMixin, generic.ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"


@list_page
class CategoryView(PublishedArticleMixin, generic.ListView):
    template_name = "articles/category.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


@list_page
class AuthorView(PublishedArticleMixin, generic.ListView):
    """A writer's page: name, bio, photo and their published stories; 404 until they have one."""

    template_name = "articles/author.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.author = get_object_or_404(
            AuthorProfile.objects.select_related("user"), slug=self.kwargs["slug"]
        )
        return credited_to(super().get_queryset(), self.author)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(author=self.author, **kwargs)
        # No published story, no page (nor a hint that the writer exists). The paginator's count
        # says so; `allow_empty = False` would ask the database once more.
        if not context["paginator"].count:
            raise Http404("No published stories by this author.")
        return context


@list_page
class YearArchiveView(PublishedArticleMixin, generic.YearArchiveView):
    template_name = "articles/archive_year.html"
    context_object_name = "articles"
    make_object_list = True


@list_page
class MonthArchiveView(PublishedArticleMixin, generic.MonthArchiveView):
    template_name = "articles/archive_month.html"
    context_object_name = "articles"


def advertise_headers(response, links: list[tuple[str, str]]) -> None:
    """Each advertised (rel, URL) in a `Link` header; a pingback one in `X-Pingback` too."""
    if links:
        response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links)
    for rel, url in links:
        if rel == "pingback":
            response["X-Pingback"] = url


@method_decorator(
    public_page(params=frozenset({"comments", "reply"}), per_story=True), name="dispatch"
)
class ArticleDetailView(PublishedArticleMixin, generic.DateDetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().select_related("category", BYLINE_JOIN)

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            # An old address of a story (slug or date changed, or an editor's redirect).
            target = redirect_target(request.path)
            if target is not None:
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
            return self.withdrawn(request)
        # The page shows the story's discussion too; the reader may have this version already.
        not_modified = story_page(request, self.object.pk)
        if not_modified is not None:
            return not_modified
        response = self.render_to_response(self.get_context_data(object=self.object))
        advertise_headers(response, self.linkback_links)
        return response

    @cached_property
    def linkback_links(self) -> list[tuple[str, str]]:
        """Every (rel, URL) the apps advertise for the story (the hook `story_links`)."""
        return [pair for links in hooks.get("story_links") for pair in links(self.object)]

    def withdrawn(self, request):
        """A corrected story taken down: 410 with its corrections; anything else a 404."""
        url_kwargs = {name: self.kwargs[name] for name in ("year", "month", "day", "slug")}
        article = Article.objects.withdrawn().at_url(**url_kwargs).first()
        if article is None:
            raise Http404("No published story at this address.")
        return TemplateResponse(
            request, "articles/article_withdrawn.html", {"article": article}, status=410
        )

    def get_context_data(self, **kwargs):
        article = self.object
        added = {}  # other apps' parts of the page (the discussion)
        for story_context in hooks.get("story_context"):
            added.update(story_context(self.request, article))
        return super().get_context_data(
            linkback_links=self.linkback_links,
            # Both left to the template, which skips them when its cached fragment is current:
            # one query for the whole list (with the joins each teaser needs), and the metadata.
            related=Article.objects.published().related_to(article)[:RELATED_STORIES],
            structured_data=cache(partial(article_structured_data, article)),
            share_image=cache(partial(article_share_image, article)),
            **fragment_context(self.request),
            **{**added, **kwargs},
        )


class _StoryPageAfterPost(ArticleDetailView):
    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)


def story_page_response(request, url_kwargs: dict, context: dict):
    """The story page in answer to a form posted from it and refused; `context` shows why."""
    return _StoryPageAfterPost.as_view(extra_context=context)(request, **url_kwargs)


@list_page
class CorrectionListView(generic.ListView):
    """Every correction readers may see, newest first, with the story it corrects."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"
    paginator_class = IndexedPaginator

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return (
            Correction.objects.public()
            .select_related("article", "article__category")
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page's rows are read again by id (delivery/pagination.py): titles go back on.
        page = context["page_obj"]
        page.object_list = context["corrections"] = page.object_list.with_story_titles()
        return context

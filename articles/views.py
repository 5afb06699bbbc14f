from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views import generic

from newsroom.pagination import IndexedPaginator

from . import search
from .discovery import article_structured_data
from .models import Article, Category

RELATED_STORIES = 4


class PublishedArticleMixin:
    """Every public view reads stories through `published()` with the listing joins."""

    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    paginator_class = IndexedPaginator  # page 1,000 costs what page 1 does

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_listing()


class HomeView(PublishedArticleMixin, generic.ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"


class CategoryView(PublishedArticleMixin, generic.ListView):
    template_name = "articles/category.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class YearArchiveView(PublishedArticleMixin, generic.YearArchiveView):
    template_name = "articles/archive_year.html"
    context_object_name = "articles"
    make_object_list = True


class MonthArchiveView(PublishedArticleMixin, generic.MonthArchiveView):
    template_name = "articles/archive_month.html"
    context_object_name = "articles"


class ArticleDetailView(PublishedArticleMixin, generic.DateDetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().select_related("category", "author")

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            # One query for the whole list, with the joins each teaser needs.
            related=list(Article.objects.published().related_to(article)[:RELATED_STORIES]),
            structured_data=article_structured_data(article),
            **kwargs,
        )


class SearchView(generic.ListView):
    """Full-text search over published stories; snippets only for the page shown."""

    template_name = "articles/search.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q", ""))
        return search.search_articles(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query, rank_limit=settings.SEARCH_RANK_LIMIT, **kwargs
        )
        search.attach_snippets(list(context["page_obj"].object_list), self.query)
        return context

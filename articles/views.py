from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views import generic

from .models import Article, Category


class PublishedArticleMixin:
    """Every public view reads stories through `published()` with the listing joins."""

    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"

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

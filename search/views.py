from django.conf import settings
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views import generic

from delivery.pagecache import fragment_context, public_page

from .backends import search_backend, search_page
from .query import clean_query


@method_decorator(
    public_page(
        params=frozenset({"q", "page"}),
        seconds=lambda: settings.SEARCH_CACHE_SECONDS,
        # An engine the worker updates after the commit: its results change with no write.
        shared=lambda: search_backend().current_at_commit,
    ),
    name="dispatch",
)
class SearchView(generic.TemplateView):
    """Full-text search over published stories: a page of ranked results, no total needed.

    A public page: stored for anonymous readers under the site's version when its query string
    is in its one spelling (`delivery.pagecache`), and its shared fragments (section links,
    archive) come from the cache either way.
    """

    template_name = "search/search.html"

    def get_context_data(self, **kwargs):
        query = clean_query(self.request.GET.get("q", ""))
        number = self.request.GET.get("page", "1")
        if not number.isascii() or not number.isdigit() or len(number) > 6:
            raise Http404("No such page of results.")
        page = search_page(query, int(number), settings.ARTICLES_PER_PAGE)
        if page is None:
            raise Http404("No such page of results.")
        return super().get_context_data(
            query=query,
            page=page,
            articles=page.articles,
            **fragment_context(self.request),
            **kwargs,
        )

"""Pages of long lists whose cost does not grow with the page number, nor with the archive.

`LIMIT 20 OFFSET 20000` over whole rows makes the database read and throw away 20,000 rows. Here
the page's ids are found first, in a subquery that reads only an index (id and the columns the
list filters and orders by), and only the rows of the page are read from the table; it is still
one query, so `?page=N` links and query counts stay as they were.

A list's length (`COUNT(*)` over every story it holds) is kept in the shared cache under the
site's content version (`delivery.versions`): counted once after each write or scheduled
publication, not on every request.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from . import versions

logger = logging.getLogger(__name__)
COUNT_PREFIX = "v1:count:"


def rows_at(queryset: QuerySet, start: int, stop: int) -> QuerySet:
    """Return the rows at positions start..stop, skipping the others through their ids alone."""
    ids = queryset.values("pk")[start:stop]
    # The ids carry every filter; repeating them outside would let the planner read all the
    # matching rows (a whole thread) to find the page's few. Joins, deferrals and order stay.
    rows = queryset.model._default_manager.filter(pk__in=ids)
    rows.query.select_related = queryset.query.select_related
    rows.query.deferred_loading = queryset.query.deferred_loading
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    return rows.prefetch_related(*queryset._prefetch_related_lookups).order_by(*ordering)


class IndexedPaginator(Paginator):
    """A paginator whose pages are read with `rows_at`: page 1,000 costs what page 1 does.

    With a `count_key` (what the list is: its path), the count is kept per site version.
    """

    def __init__(self, *args, count_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        key = self._count_cache_key()
        if key is None:
            return super().count
        try:
            stored = cache.get(key)
        except Exception as error:  # a cache that fails: count, as without one
            logger.warning("Count cache skipped: %s", type(error).__name__)
            return super().count
        if isinstance(stored, int):
            return stored
        counted = super().count
        try:
            cache.set(key, counted, settings.PAGE_CACHE_SECONDS or 300)
        except Exception as error:
            logger.warning("Count cache skipped: %s", type(error).__name__)
        return counted

    def _count_cache_key(self) -> str | None:
        if self.count_key is None:
            return None
        try:
            held = versions.current([versions.SITE])
        except Exception:  # no cache: no versions
            return None
        if not held:
            return None
        digest = hashlib.sha256(self.count_key.encode()).hexdigest()[:32]
        return f"{COUNT_PREFIX}{held[versions.SITE].token}:{digest}"

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_at(self.object_list, bottom, top), number, self)

"""Pages of long lists whose cost does not grow with the page number.

`LIMIT 20 OFFSET 20000` over whole rows makes the database read and throw away 20,000 rows. Here
the page's ids are found first, in a subquery that reads only an index (id and the columns the
list filters and orders by), and only the rows of the page are read from the table; it is still
one query, so `?page=N` links and query counts stay as they were.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet


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
    """A paginator whose pages are read with `rows_at`: page 1,000 costs what page 1 does."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_at(self.object_list, bottom, top), number, self)

"""How the case list and the cases API find cases, without reading the whole table.

A search is a case-number prefix (any case: "MBC-2024" finds MBC-2024-001 and the rest)
or an exact hospital number (any case), both served by indexes (migration
0007_case_list_indexes). Counting stops at COUNT_LIMIT rows: below it the count is exact;
above it, on PostgreSQL, the planner's estimate (never less than COUNT_LIMIT), since
counting a hundred thousand rows to print one number would cost more than the page.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


def search(q: str) -> Q:
    return Q(case_number__istartswith=q) | Q(hospital_number__iexact=q)


def bounded_count(queryset: QuerySet) -> tuple[int, bool]:
    """(count, exact): exact below COUNT_LIMIT rows, else an estimate where the database
    gives one cheaply (PostgreSQL), else exact."""
    counted = queryset.order_by()[:COUNT_LIMIT].count()
    if counted < COUNT_LIMIT:
        return counted, True
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count(), True
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    return max(COUNT_LIMIT, int(plan[0]["Plan"]["Plan Rows"])), False


class BoundedPaginator(Paginator):
    """A paginator that counts as bounded_count does; `exact` says whether it did."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return bounded_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def exact(self) -> bool:
        return self._counted[1]

"""Pages of the public list, counted up to a limit.

An exact count of a list of 100 000 protocols reads every row the filters let
through (a join of two tables over the whole list): some 30 to 60 ms on every
request, whatever page is shown. Counting only up to ``limit`` rows stops after
those: the list says "more than 1 000 protocols found" and offers the pages up to
there; a citizen refines the filters or the search, or downloads the whole list
(CSV, JSON), to see beyond.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


def count_up_to(rows, limit):
    """How many rows the queryset ``rows`` has, counted up to ``limit + 1`` at most,
    in one query: ``SELECT COUNT(*) FROM (SELECT id … LIMIT limit + 1)``. Only the
    ids in the subquery: annotations (a list's status) need not be computed for a
    thousand rows to count them."""
    return rows.order_by().values("pk")[: limit + 1].count()


class CountedUpTo(Paginator):
    def __init__(self, object_list, per_page, limit, found=None, **kwargs):
        """``found``: the rows of ``object_list`` as the caller already counted them,
        up to ``limit + 1`` at least (the search counts its matches once: listing.
        filter_protocols); None to count them here."""
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit
        if found is not None:
            self.counted = (min(found, limit), found > limit)

    @cached_property
    def counted(self):
        """``(rows, capped)``: the number of rows, at most ``limit``, and whether
        there are more, in one query."""
        found = count_up_to(self.object_list, self.limit)
        return min(found, self.limit), found > self.limit

    @property
    def count(self):
        return self.counted[0]

    @property
    def capped(self):
        return self.counted[1]

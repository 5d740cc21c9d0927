"""Querysets compiled once and run many times with other parameter values.

Django builds and compiles a queryset's SQL on every run. For the small, fixed-shape
queries of a public protocol page (a protocol's parties, decisions, advices, …) that
costs three to four times what the database spends running them (docs/performance.md),
although the SQL never changes but for the protocol's id. A CompiledQuery keeps the
SQL and the way its rows become model instances, and only sends new values. On
PostgreSQL with server-side binding the statement is also prepared, once per
connection: planning these small queries took PostgreSQL longer than running them.
"""

import inspect
import threading
from contextlib import contextmanager

from django.db import connections
from django.db.models.query import ModelIterable, get_related_populators


class CompiledQuery:
    """A queryset built and compiled once per thread and database, then run with
    other values for its parameters.

    ``build`` receives a stand-in value for each parameter and returns the queryset.
    It must use each parameter as a plain value of an integer or text column
    (``page_id=page_id``, ``slug=slug``): a lookup that rewrites its value
    (``startswith``, ``in``) is refused, as are querysets whose rows are not model
    instances (``values()``) or that prefetch. Rows become instances as Django's own
    iteration makes them, ``select_related()`` and annotations included, except that
    a row read through a related manager does not point back to its owner (set it if
    needed). Per thread, because a compiler belongs to its thread's connection.
    """

    # Stand-ins for the parameters: integers no id, depth or constant will equal,
    # positive and inside the range of a 32-bit column (Django compiles no SQL for an
    # exact match on a value outside its column's range). A text column gets their
    # digits.
    STAND_IN = 2_046_813_579

    def __init__(self, build):
        self.build = build
        # The parameters without a default (a default binds a value at definition).
        self.arity = sum(
            parameter.default is parameter.empty
            for parameter in inspect.signature(build).parameters.values()
        )
        self._local = threading.local()

    def run(self, *params):
        """The model instances for these parameter values, as a list."""
        if len(params) != self.arity:
            raise TypeError(
                f"This query takes {self.arity} parameters, not {len(params)}."
            )
        plan = self._plan()
        values = list(plan.params)
        for position, index in plan.slots:
            values[position] = params[index]
        connection = connections[plan.alias]
        with connection.cursor() as cursor, _prepared(connection):
            cursor.execute(plan.sql, values)
            rows = cursor.fetchall()
        return [plan.instance(row) for row in plan.compiler.results_iter([rows])]

    def _plan(self):
        plan = getattr(self._local, "plan", None)
        if plan is None:
            plan = self._local.plan = _Plan(self._build(), self.arity)
        return plan

    def _build(self):
        queryset = self.build(*(self.STAND_IN - index for index in range(self.arity)))
        if queryset._iterable_class is not ModelIterable:
            raise TypeError("A CompiledQuery returns model instances, not values().")
        if queryset._prefetch_related_lookups:
            raise TypeError("A CompiledQuery cannot prefetch; use select_related().")
        return queryset


class _Plan:
    """The SQL of one queryset on one database, where each parameter goes, and how a
    row becomes an instance (as in django.db.models.query.ModelIterable)."""

    def __init__(self, queryset, arity):
        self.alias = queryset.db  # the router's choice, or using()
        self.compiler = queryset.query.get_compiler(self.alias)
        self.sql, self.params = self.compiler.as_sql()
        self.slots = []
        for index in range(arity):
            stand_in = CompiledQuery.STAND_IN - index
            positions = [
                n
                for n, value in enumerate(self.params)
                if value in (stand_in, str(stand_in))
            ]
            if len(positions) != 1:
                raise ValueError(
                    f"Parameter {index + 1} must appear once, as a plain value, in "
                    f"the query (found {len(positions)} times)."
                )
            self.slots.append((positions[0], index))
        select, klass_info = self.compiler.select, self.compiler.klass_info
        self.model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1]
        self.fields = slice(first, last + 1)
        self.attnames = [column[0].target.attname for column in select[self.fields]]
        self.related_populators = get_related_populators(klass_info, select, self.alias)
        self.annotations = self.compiler.annotation_col_map

    def instance(self, row):
        obj = self.model.from_db(self.alias, self.attnames, row[self.fields])
        for populator in self.related_populators:
            populator.populate(row, obj)
        for name, position in self.annotations.items():
            setattr(obj, name, row[position])
        return obj


@contextmanager
def _prepared(connection):
    """Have psycopg prepare the statements run inside, so that PostgreSQL plans each
    once per connection and then only runs it.

    Only these: with Django's default prepare_threshold (None) psycopg prepares
    nothing else, and should not, because the best plan of a statement like the
    list's depends on its values, where a prepared statement may be given a generic
    plan. psycopg prepares with server-side binding only (settings: the database's
    OPTIONS server_side_binding); with client-side binding this does nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    psycopg_connection = connection.connection
    previous = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = 0  # prepare at the first run
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold = previous

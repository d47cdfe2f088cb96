"""Querysets built and compiled once per process, then run with each request's values.

Building a scoped queryset through the ORM (its filters, the `for_user` subquery, a derived
status's CASE) and compiling it costs several milliseconds on every page; running it costs
a fraction of one. `run(key, build, values)` calls `build()` once per `key`, with stand-ins
(`USER`, `PARTNERSHIP`, `ROW`) where the user's and the partnership's ids go, keeps its compiled
SQL, and on every call runs that SQL with the stand-ins replaced, through Django's own
iterables (model instances, select_related, annotations and values() rows as usual).

`key` must name everything else the queryset depends on (the day, whether the user is a
superuser, a limit, Partnership's content type...): the stand-ins are the only values
replaced. Every parameter must
be either one of these stand-ins or the same for every call with that key.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import QuerySet

# Stand-ins for the ids that differ between calls: no real row has a negative id.
USER, PARTNERSHIP, ROW = -1_987_654_321, -1_987_654_322, -1_987_654_323
STAND_INS = frozenset({USER, PARTNERSHIP, ROW})
MOST = 256  # compiled queries kept per process, at most

_compiled: dict[tuple, tuple] = {}


def run_scoped(key: tuple, build: Callable, *, user, partnership, row: int | None = None
               ) -> list:
    """`list(build(user, partnership, row))` for a queryset scoped with `for_user(user)`:
    compiled once per `key` for signed-in users (superusers apart), with `ROW` for `row` (one
    more id, a metric's for one); anyone else's is built as it is (`for_user` gives them
    nothing)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return list(build(user, partnership, row))
    from .access import _partnership_content_type
    from .models import Partnership

    stand_in = get_user_model()(pk=USER, is_active=True, is_superuser=user.is_superuser)
    # The scope names Partnership's content type by id: a new one (content types made again,
    # as after a test flush) is a new compilation.
    return run((*key, user.is_superuser, _partnership_content_type().pk),
               lambda: build(stand_in, Partnership(pk=PARTNERSHIP), ROW),
               {USER: user.pk, PARTNERSHIP: partnership.pk, ROW: row})


def _compile(build: Callable[[], QuerySet]) -> tuple:
    queryset = build()
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()  # also sets the compiler's select, klass_info...
    return queryset, compiler, sql, tuple(params)


def run(key: tuple, build: Callable[[], QuerySet], values: dict[int, object]) -> list:
    """`list(build())`, with each stand-in replaced by `values[stand_in]`."""
    entry = _compiled.get(key)
    if entry is None:
        if len(_compiled) >= MOST:
            _compiled.clear()
        entry = _compiled[key] = _compile(build)
    queryset, template, sql, params = entry
    bound = tuple(values[p] if type(p) is int and p in STAND_INS else p for p in params)
    compiler = copy.copy(template)
    compiler.connection = connections[queryset.db]  # this thread's connection
    compiler.as_sql = lambda *args, **kwargs: (sql, bound)
    chained = queryset._chain()
    chained.query.get_compiler = lambda *args, **kwargs: compiler
    return list(chained)

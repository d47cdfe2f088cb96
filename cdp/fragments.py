"""The dashboard's tile grid and a metric page's charts and tables, rendered once and kept in
Django's cache (Redis) under a key made of everything they show.

A partnership's summaries change only by a recompute, and every change that asks for one
(an import, a target, the framework's metrics, the plan) first marks the partnership dirty:
`SummaryState.computed_at` and `changed_at` move with each. The rest of what the fragments
show is read from the catalogue and the partnership, whose every change (deletions and
areas included) leaves a history row. So the key is, from one query (`page_version`, which
replaces the query for `computed_at` the pages made before):

- the partnership (id and slug: links) and when its summaries were computed, and for the
  plan's fragments when they were last asked to change (`figures_version`: not the figures');
- the latest change to the partnership (its name, region, areas), to its framework's metrics
  and targets (the framework is read as it is, not as last computed), and to any metric,
  outcome, region or local authority (names, units, sources, polarity);
- today's date (overdue targets, "newer figures expected"), the language and the script
  prefix (links), what the viewer may do (`can`: links only some roles get), and the code
  that shapes the markup (`code_fingerprint`: a release changes every key);
- and what the caller adds: the metric page adds its metric and its notes.

A partnership without a SummaryState row (never requested) is rendered afresh every time.
If the cache cannot be reached the fragment is rendered, slower. Entries are never deleted:
a key that can no longer be asked for expires after CACHE_SECONDS.
"""

from __future__ import annotations

import functools
import hashlib

from django.db import connection
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.urls import get_script_prefix
from django.utils import translation

from outcomes.models import FrameworkMetric, Metric, Outcome, SummaryState, Target
from partnerships import page_cache
from partnerships.models import LocalAuthority, Partnership, Region
from partnerships.page_cache import (  # noqa: F401 - the pages call them from here too
    CACHE_SECONDS,
    cached,
    version_row,
)

# The code that shapes the fragments: a release that changes any of it changes every key.
SHAPING = ["templates/cdp/_tile_grid.html", "templates/cdp/_area_tile.html",
           "templates/cdp/_metric_figures.html", "templates/cdp/_areas_side_by_side.html",
           "templates/cdp/_figure.html", "templates/outcomes/_provenance.html",
           "templates/cdp/_spine.html",
           "cdp/dashboards.py", "cdp/areas.py", "cdp/headline.py", "cdp/sparkline.py",
           "outcomes/charts", "outcomes/provenance.py", "outcomes/coverage.py",
           "outcomes/templatetags"]


def code_fingerprint(shaping: tuple[str, ...] = tuple(SHAPING)) -> str:
    """The digest of the code that shapes a cached page or fragment: by default the
    dashboard's and metric page's fragments' (the public page names its own)."""
    return page_cache.code_fingerprint(shaping)


# --- The version: one query ----------------------------------------------------------------
def _latest(model) -> Subquery:
    """The latest change to any row of `model` (its history records deletions too)."""
    return Subquery(model.history.model.objects.order_by("-history_date")
                    .values("history_date")[:1])


def _latest_of_partnership(model) -> Subquery:
    """The latest change to the page's partnership's rows of `model`."""
    return Subquery(model.history.model.objects.filter(partnership_id=OuterRef("partnership_id"))
                    .order_by("-history_date").values("history_date")[:1])


def _version_queryset(partnership_id: int) -> QuerySet:
    history = Partnership.history.model.objects
    areas = Partnership.local_authorities.through.objects.filter(
        partnership_id=OuterRef("partnership_id")).order_by().values("partnership_id")
    return (
        SummaryState.objects.filter(partnership_id=partnership_id)
        .values("partnership_id", "computed_at", "changed_at")
        .annotate(
            partnership=Subquery(history.filter(id=OuterRef("partnership_id"))
                                 .order_by("-history_date").values("history_date")[:1]),
            # The areas themselves (history keeps no row for a link the admin adds).
            areas=Subquery(areas.annotate(n=Count("pk")).values("n")[:1]),
            last_area=Subquery(areas.annotate(last=Max("pk")).values("last")[:1]),
            # Which metrics the dashboard shows is read from the framework as it is now.
            framework=_latest_of_partnership(FrameworkMetric),
            targets=_latest_of_partnership(Target),
            metrics=_latest(Metric), outcomes=_latest(Outcome),
            places=_latest(LocalAuthority), regions=_latest(Region),
        )
        .order_by()[:1]
    )


_PARTNERSHIP = -7_340_011  # stands for the partnership's id while the query is compiled


@functools.cache
def _version_sql(vendor: str) -> tuple[str, tuple]:
    """Compiled once per process: building its subqueries through the ORM costs more than
    running them."""
    return _version_queryset(_PARTNERSHIP).query.sql_with_params()


def page_version(*, partnership_id: int) -> dict | None:
    """When the partnership's summaries were computed and last asked to change, and the
    latest change to everything else the fragments show. None without a SummaryState."""
    return version_row(_version_sql(connection.vendor), {_PARTNERSHIP: partnership_id})


def figures_version(version: dict | None) -> dict | None:
    """The version of what only a recompute changes (the tiles, a metric page's figures):
    without `changed_at`. A change that asks for a recompute changes no figure until the
    recompute has run, which moves `computed_at`; a plan update, the most frequent change,
    never changes one. The plan's fragments keep the whole version."""
    return version and {k: v for k, v in version.items() if k != "changed_at"}


# --- The key and the cache -------------------------------------------------------------------
def fragment_key(kind: str, *, partnership, version: dict | None, today, actions,
                 extra: tuple = ()) -> str | None:
    """The cache key of fragment `kind` of `partnership`'s page; None (render afresh) when
    its summaries have never been computed."""
    if version is None or version["computed_at"] is None:
        return None
    parts = [code_fingerprint(), partnership.pk, partnership.slug, today.isoformat(),
             translation.get_language(), get_script_prefix(), ",".join(sorted(actions)),
             *(f"{k}={version[k]}" for k in sorted(version)), *map(str, extra)]
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"fragment:{kind}:{partnership.pk}:{digest}"

"""The plan page's milestones (their counts, the filter form and the tables), rendered once
per version of what they show and kept in Django's cache (partnerships/page_cache.py).

What they show is read from the partnership's plan, objectives, key actions, milestones,
organisations and the key actions' leads. Anyone who may see the partnership sees all of
them (PlanView asks for access.VIEW first), so the fragment is the partnership's, whoever
reads it. The key is, from one query (`plan_version`):

- for the plan, objectives, key actions and milestones: how many history rows they have and
  the latest's id (every save and deletion adds one; a count also moves when a transaction
  that took an earlier id commits late), and the milestones' own count and latest
  `updated_at` (a save that keeps no history);
- the organisations' ids and names, the key actions' responsible partners and leads (ids and
  names), read as they are: a lead's name has no history, and a deletion that empties a link
  or a lead sends no signal;
- today's date (overdue), the language and the script prefix (links), what the viewer may do
  (`can`: the link to re-date overdue milestones), the page's query (filters and grouping),
  and the code that shapes the markup (`code_fingerprint`).

Entries are never deleted: a key that can no longer be asked for expires after
CACHE_SECONDS."""

from __future__ import annotations

import functools
import hashlib

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat
from django.urls import get_script_prefix
from django.utils import translation

from partnerships import page_cache
from partnerships.models import Organisation, Partnership

from .models import ActionPlan, KeyAction, Milestone, Objective

SHAPING = ("templates/actionplans/_plan_milestones.html", "actionplans/plan_page.py",
           "actionplans/plan_fragment.py", "actionplans/progress.py",
           "actionplans/filtersets.py", "actionplans/models.py", "actionplans/choices.py")
_PARTNERSHIP = -7_340_013  # stands for the partnership's id while the query is compiled


def _history(model, column: str, aggregate) -> Subquery:
    """`aggregate` over the history rows of the partnership's rows of `model`."""
    rows = model.history.model.objects.filter(partnership_id=OuterRef("pk")).order_by()
    return Subquery(rows.values("partnership_id").annotate(**{column: aggregate})
                    .values(column)[:1])


def _joined(queryset: QuerySet, group: str, *parts, ordering) -> Subquery:
    """The rows of `queryset` (filtered on the outer partnership, named by `group`) written
    out and joined."""
    text = Concat(*[Cast(p, TextField()) if isinstance(p, str) else p for p in parts],
                  output_field=TextField())
    return Subquery(queryset.order_by().values(group).annotate(
        joined=StringAgg(text, delimiter="|", order_by=ordering)).values("joined")[:1])


def _version_queryset(partnership_id: int) -> QuerySet:
    counts = {}
    for name, model in (("plan", ActionPlan), ("objectives", Objective),
                        ("actions", KeyAction), ("milestones", Milestone)):
        counts[f"{name}_changes"] = _history(model, "n", Count("history_id"))
        counts[f"{name}_latest"] = _history(model, "n", Max("history_id"))
    mine = {"partnership_id": OuterRef("pk")}
    milestones = Milestone.objects.filter(**mine).order_by().values("partnership_id")
    links = KeyAction.responsible_partners.through.objects.filter(
        keyaction__partnership_id=OuterRef("pk"))
    sep = Value(":")
    return (
        Partnership.objects.filter(pk=partnership_id).values("pk").annotate(
            **counts,
            milestones_now=Subquery(milestones.annotate(n=Count("pk")).values("n")[:1]),
            milestones_saved=Subquery(
                milestones.annotate(n=Max("updated_at")).values("n")[:1]),
            organisations=_joined(Organisation.objects.filter(**mine), "partnership_id",
                                  "pk", sep, "name", ordering="pk"),
            partners=_joined(links, "keyaction__partnership_id",
                             "keyaction_id", sep, "organisation_id", ordering="pk"),
            leads=_joined(KeyAction.objects.filter(**mine), "partnership_id",
                          "pk", sep, "lead_id", sep, "lead__username", sep,
                          "lead__first_name", sep, "lead__last_name", ordering="pk"),
        ).order_by()
    )


@functools.cache
def _version_sql(vendor: str) -> tuple[str, tuple]:
    """Compiled once per process: building its subqueries costs more than running them."""
    return _version_queryset(_PARTNERSHIP).query.sql_with_params()


def plan_version(*, partnership_id: int) -> dict | None:
    """The version of everything the plan page's milestones show (one query). None (render
    afresh) but on PostgreSQL: the names are joined with its `string_agg`, which the embedded
    default's SQLite lacks, and one user there needs no cache."""
    if connection.vendor != "postgresql":
        return None
    return page_cache.version_row(_version_sql(connection.vendor),
                                  {_PARTNERSHIP: partnership_id})


def plan_key(*, partnership: Partnership, version: dict | None, today, actions,
             query: list[tuple[str, str]]) -> str | None:
    """The cache key of the plan page's milestones as `query` (the page's GET parameters)
    asks for them; None (render afresh) without a version."""
    if version is None:
        return None
    parts = [page_cache.code_fingerprint(SHAPING), partnership.pk, partnership.slug,
             today.isoformat(), translation.get_language(), get_script_prefix(),
             ",".join(sorted(actions)), *(f"{k}={version[k]}" for k in sorted(version)),
             repr(sorted(query))]
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"fragment:plan:{partnership.pk}:{digest}"

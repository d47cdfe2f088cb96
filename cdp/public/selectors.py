"""Reads for the public page: its settings and choices for the administrator (scoped to the
user, through `for_user`), the version that keys its cache, and what it shows (through
`for_public_page`, for a partnership whose page is published: no user at all)."""

from __future__ import annotations

import copy
import functools
from datetime import date

from django.db import connection
from django.db.models import Max, OuterRef, QuerySet, Subquery

from actionplans.derived import progress_counts
from actionplans.models import ActionPlan, Milestone, PlanProgressSummary, Risk
from actionplans.selectors import annotate_due
from cdp.dashboards import progress_rows, tile, values_of
from cdp.models import PublicPage
from outcomes import charts
from outcomes.models import FrameworkMetric, Metric, MetricSummary, SummaryState
from partnerships import access
from partnerships.models import KeyDocument, NamedRole, Organisation, Partnership

from . import rules


# --- For the administrator -------------------------------------------------------------------
def public_page_settings(*, partnership: Partnership, user) -> PublicPage | None:
    """The partnership's publication settings, with what is marked public; None before any."""
    return (PublicPage.objects.for_user(user, access.PUBLISH)
            .filter(partnership=partnership)
            .prefetch_related("documents", "milestones", "risks", "metrics").first())


def publication_choices(*, partnership: Partnership, user) -> dict[str, list]:
    """What the administrator may mark public one by one: the partnership's documents,
    milestones and risks, and the metrics with figures that are not public by default
    (local metrics, figures from the police, supporting metrics). Four queries."""
    action = access.PUBLISH
    summaries = _framework_summaries(
        MetricSummary.objects.for_user(user, action).filter(partnership=partnership),
        FrameworkMetric.objects.for_user(user, action).filter(partnership=partnership))
    metrics = (Metric.objects.for_user(user).filter(pk__in=summaries.values("metric_id"))
               .order_by("order", "name"))
    return {
        "documents": list(KeyDocument.objects.for_user(user, action)
                          .filter(partnership=partnership)),
        "milestones": list(Milestone.objects.for_user(user, action)
                           .filter(partnership=partnership)
                           .order_by("key_action__objective__order", "key_action__order",
                                     "order", "pk")),
        "risks": list(Risk.objects.for_user(user, action).filter(partnership=partnership)),
        "metrics": [m for m in metrics if not rules.public_by_default(
            owner_id=m.owner_id, tier=m.tier, source=m.source)],
    }


def _framework_summaries(summaries: QuerySet, framework: QuerySet) -> QuerySet:
    """The summaries of the partnership's framework metrics, or of every metric it has
    figures for if it has chosen none (as the dashboard shows them)."""
    if framework.exists():
        return summaries.filter(metric__in=framework.values("metric"))
    return summaries


# --- The cache's version: one query ---------------------------------------------------------
def _latest(queryset: QuerySet, field: str, by: str = "partnership_id") -> Subquery:
    """The latest `field` of the rows of the page's partnership."""
    return Subquery(queryset.filter(**{by: OuterRef("partnership_id")}).order_by()
                    .values(by).annotate(latest=Max(field)).values("latest")[:1])


def _version_queryset(slug: str) -> QuerySet:
    def history(model) -> QuerySet:
        return model.history.model.objects

    return (
        PublicPage.objects.filter(partnership__slug=slug, published=True)
        .values("pk", "partnership_id", "updated_at")
        .annotate(
            figures=_latest(SummaryState.objects, "computed_at"),
            progress=_latest(PlanProgressSummary.objects, "computed_at"),
            partnership=_latest(history(Partnership), "history_date", by="id"),
            organisations=_latest(history(Organisation), "history_date"),
            named_roles=_latest(history(NamedRole), "history_date"),
            documents=_latest(history(KeyDocument), "history_date"),
            plan=_latest(history(ActionPlan), "history_date"),
            milestones=_latest(history(Milestone), "history_date"),
            risks=_latest(history(Risk), "history_date"),
            framework=_latest(history(FrameworkMetric), "history_date"),
            # Metrics' names and sources, national ones included: rarely changed, and the
            # latest is one step down an index.
            metrics=Subquery(history(Metric).order_by("-history_date")
                             .values("history_date")[:1]),
        )
        .order_by()[:1]
    )


_SLUG = "\x00slug\x00"  # stands for the slug while the query is compiled


@functools.cache
def _version_sql(vendor: str) -> tuple[str, tuple]:
    """The version query compiled once per process: building its ten subqueries through the
    ORM costs some milliseconds each time, running it a fraction of one."""
    sql, params = _version_queryset(_SLUG).query.sql_with_params()
    return sql, params


def public_page_version(*, slug: str) -> dict | None:
    """For a published page, everything whose change changes what it shows, in one query:
    its settings, when the figures and the plan's progress were computed, and the latest
    change (history, which records deletions too) to the partnership, its members, named
    roles, documents, plan, milestones, risks and metrics. None when the partnership has no
    published page (or no such partnership: the same answer)."""
    from cdp.fragments import version_row

    return version_row(_version_sql(connection.vendor), {_SLUG: slug})


# --- What the page shows ----------------------------------------------------------------------
ROLE_ORDER = [NamedRole.Kind.SENIOR_RESPONSIBLE_OWNER, NamedRole.Kind.CHAIR,
              NamedRole.Kind.DATA_AND_DIGITAL_LEAD, NamedRole.Kind.PUBLIC_VOICE_LEAD]


def public_page_content(*, partnership_id: int, today: date) -> dict:
    """What the published page shows, and nothing else: the sections the administrator
    switched on, the rows marked public, and the figures with disclosure control. A fixed
    number of queries whatever the amount of data."""
    page = (PublicPage.objects.for_public_page(partnership_id)
            .select_related("partnership__region").get())
    partnership = page.partnership
    content: dict = {"page": page, "partnership": partnership, "today": today}

    if page.show_members:
        organisations: dict[str, list] = {}
        for organisation in Organisation.objects.for_public_page(partnership).order_by(
                "sector", "name"):
            organisations.setdefault(organisation.get_sector_display(), []).append(organisation)
        roles = list(NamedRole.objects.for_public_page(partnership)
                     .select_related("organisation"))
        roles.sort(key=lambda role: ROLE_ORDER.index(role.kind)
                   if role.kind in ROLE_ORDER else len(ROLE_ORDER))
        content.update(organisations_by_sector=organisations, named_roles=roles)

    plan = ActionPlan.objects.for_public_page(partnership).first()
    content["plan"] = plan
    if page.show_plan and plan is not None:
        rows = progress_rows(progress_counts(Milestone.objects.for_public_page(partnership),
                                             today)["priority"], "priority")
        title = "Milestones by national priority"
        content["progress"] = {
            "rows": rows, "title": title,
            "closed": any(row["closed"] for row in rows),
            "sentence": charts.progress_sentence(rows, by="national priority"),
            "figure": charts.plan_progress_figure(rows, title=title),
        } if rows else None

    # Marked public one by one: shown whatever the sections.
    milestones = list(Milestone.objects.for_public_page(partnership)
                      .filter(pk__in=page.milestones.values("pk"))
                      .order_by("key_action__objective__order", "key_action__order", "order",
                                "pk"))
    if plan is not None:
        annotate_due(milestones, plan, today)
    content["milestones"] = milestones
    content["risks"] = list(Risk.objects.for_public_page(partnership)
                            .filter(pk__in=page.risks.values("pk")))
    if page.show_documents:
        content["documents"] = list(KeyDocument.objects.for_public_page(partnership)
                                    .filter(pk__in=page.documents.values("pk")))
    if page.show_metrics:
        content.update(_metrics(page, partnership, today))
    return content


def _metrics(page: PublicPage, partnership: Partnership, today: date) -> dict:
    """The framework's public metrics and those marked public, each area's figures with
    disclosure control applied, as tiles (sentence, trend, target) with a chart and table."""
    marked = set(page.metrics.values_list("pk", flat=True))
    summaries = _framework_summaries(
        MetricSummary.objects.for_public_page(partnership),
        FrameworkMetric.objects.for_public_page(partnership),
    ).select_related("metric").order_by("metric__order", "metric__name", "area_code")
    shown = []
    for summary in summaries:
        metric = summary.metric
        if metric.pk not in marked and not rules.public_by_default(
                owner_id=metric.owner_id, tier=metric.tier, source=metric.source):
            continue
        controlled = metric.disclosure_control
        points = rules.disclosed_points(summary.points, unit=metric.unit, controlled=controlled)
        public = copy.copy(summary)
        for name, value in rules.disclosed_summary(values_of(summary), summary.points,
                                                   unit=metric.unit,
                                                   controlled=controlled).items():
            setattr(public, name, value)
        area = summary.area_name or summary.area_code
        shown.append({
            **tile(public, today),
            "area": area,
            "points": points,
            "chart_id": f"metric-{metric.pk}-{summary.area_code}",
            "figure": charts.metric_series_figure(
                name=metric.name, unit=metric.unit, points=points, area_name=area,
                region_name=partnership.region.name),
            "suppressed": any(p.get("value_note") == rules.SUPPRESSED_NOTE for p in points),
        })
    computed_at = (SummaryState.objects.for_public_page(partnership)
                   .values_list("computed_at", flat=True).first())
    return {"metrics": shown, "computed_at": computed_at}

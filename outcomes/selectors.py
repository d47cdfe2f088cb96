"""Reads of the outcomes app."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from partnerships import access
from partnerships.access import member_partnership_ids
from partnerships.models import LocalAuthority

from .coverage import coverage, held_period, sort_key, summary_sentence
from .models import (
    Annotation,
    FrameworkMetric,
    ImportBatch,
    ImportRowProblem,
    LocalAim,
    Metric,
    MetricSummary,
    Observation,
    SummaryRun,
    SummaryState,
    Target,
)

log = logging.getLogger(__name__)


def summary_run_last_finished_at() -> datetime | None:
    """When the most recent successful summary recompute finished, or None if none has."""
    return (
        SummaryRun.objects.filter(status=SummaryRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def summary_freshness() -> dict:
    """For monitoring: when the last successful recompute finished, how many partnerships'
    summaries wait for one, and since when the oldest of those changes has waited."""
    waiting = SummaryState.objects.filter(dirty=True).aggregate(
        dirty=Count("pk"), oldest=Min("changed_at"))
    return {"last_run_finished_at": summary_run_last_finished_at(),
            "dirty": waiting["dirty"], "oldest_dirty_changed_at": waiting["oldest"]}


def import_batch_list(*, partnership, user) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.for_user(user, access.LOAD_DATA)
        .filter(partnership=partnership)
        .select_related("created_by")
        .order_by("-created_at")
    )


def import_progress_key(batch_id: int) -> str:
    """Where a running import keeps how far it has got (outcomes.services.import_rows)."""
    return f"import-progress:{batch_id}"


def import_progress(batch: ImportBatch) -> dict:
    """How far a batch has got, from the cache while it runs, else from the batch."""
    try:
        live = cache.get(import_progress_key(batch.pk))
    except Exception:  # noqa: BLE001 - the cache is down: the batch's own counts will do
        log.warning("import progress: the cache cannot be reached", exc_info=True)
        live = None
    if live and batch.status in (ImportBatch.Status.VALIDATING, ImportBatch.Status.IMPORTING):
        return live
    return {"status": batch.status, "done": batch.rows_done, "total": batch.rows_total}


def import_problems(*, batch: ImportBatch, limit: int = 200) -> list[ImportRowProblem]:
    return list(batch.problems.order_by("line")[:limit])


def metrics_for_entry(*, partnership, user) -> QuerySet[Metric]:
    """National metrics and the partnership's own local ones, for a form's choices."""
    return (
        Metric.objects.for_user(user)
        .filter(Q(owner__isnull=True) | Q(owner=partnership))
        .order_by("tier", "order", "name")
    )


def latest_values(*, partnership, user, metric_ids) -> dict[int, dict]:
    """Each metric's latest value for the partnership (all persons, no category breakdown):
    metric id -> period_label, period_end, value, area_name, area_code. One query (and one
    to count the partnership's areas)."""
    latest: dict[int, dict] = {}
    rows = (
        Observation.objects.for_user(user)
        .filter(partnership=partnership, metric_id__in=metric_ids, sex__in=["", "Persons"],
                category="", value__isnull=False)
        .order_by("metric_id", "-period_end")
        .values("metric_id", "period_label", "period_end", "value", "area_name", "area_code")
    )
    several_areas = partnership.local_authorities.count() > 1
    for row in rows.iterator(chunk_size=2000):
        if several_areas:
            # Say which area the figure is for; the dashboards compare areas side by side.
            row["period_label"] = f"{row['period_label']}, {row['area_name'] or row['area_code']}"
        latest.setdefault(row["metric_id"], row)
    return latest


def framework_for_partnership(*, partnership, user) -> dict:
    """The local framework with each metric's latest value and targets, in a fixed number of
    queries: aims, entries (with metrics), targets, and the latest values."""
    # Here, not at the top: stats loads scipy, which no process should pay for at start-up.
    from . import stats

    aims = list(LocalAim.objects.for_user(user).filter(partnership=partnership))
    entries = list(
        FrameworkMetric.objects.for_user(user).filter(partnership=partnership)
        .select_related("metric", "metric__outcome").order_by("aim__order", "order")
    )
    targets = list(Target.objects.for_user(user).filter(partnership=partnership)
                   .select_related("metric"))
    metric_ids = {e.metric_id for e in entries} | {t.metric_id for t in targets}
    latest = latest_values(partnership=partnership, user=user, metric_ids=metric_ids)
    for target in targets:
        value = latest.get(target.metric_id)
        target.status = stats.target_status(
            target_value=target.target_value, due_date=target.due_end,
            latest_value=value["value"] if value else None,
            latest_date=value["period_end"] if value else None,
            baseline_value=target.baseline_value, baseline_date=target.baseline_end,
            higher_is_better={"higher_better": True, "lower_better": False}.get(
                target.metric.polarity),
            today=timezone.localdate(),
        )
        target.latest = value
    for entry in entries:
        entry.latest = latest.get(entry.metric_id)
        entry.targets = [t for t in targets if t.metric_id == entry.metric_id]
    grouped = [(aim, [e for e in entries if e.aim_id == aim.pk]) for aim in aims]
    ungrouped = [e for e in entries if e.aim_id is None]
    return {"aims": grouped, "ungrouped": ungrouped, "targets": targets,
            "today": timezone.localdate()}


def summary_computed_at(*, partnership) -> datetime | None:
    """When the partnership's summaries were last computed (the data they were read from)."""
    return (SummaryState.objects.filter(partnership=partnership)
            .values_list("computed_at", flat=True).first())


def dashboard_summaries(*, partnership, user) -> list:
    """The summaries of the metrics in the partnership's framework (of every metric it has
    figures for, if it has not chosen any), with their metric and outcome. One query."""
    # Which of the rows the user may see are shown: it only narrows the scoped query below,
    # so it needs no scope of its own (a second one would cost the planner more than a query).
    chosen = FrameworkMetric.objects.filter(partnership=partnership)
    # The series (every period) is for the metric page: tiles and the spine never need it,
    # only its values and periods for a tile's trend line (in the same query).
    return list(MetricSummary.objects.for_user(user).filter(partnership=partnership)
                .filter(Q(metric__in=chosen.values("metric")) | ~Exists(chosen))
                .select_related("metric__outcome").defer("series")
                .annotate(trend_values=KeyTransform("value", "series"),
                          trend_periods=KeyTransform("period_label", "series"))
                .order_by("metric__order", "area_code"))


def metric_summaries(*, partnership, user, metric_id: int) -> list:
    """One metric's summaries, one per area of the partnership that has figures."""
    return list(MetricSummary.objects.for_user(user)
                .filter(partnership=partnership, metric_id=metric_id)
                .select_related("metric").order_by("area_code"))


def targets_for_metric(*, partnership, user, metric_id: int) -> list:
    """The partnership's targets for one metric, soonest due first."""
    return list(Target.objects.for_user(user)
                .filter(partnership=partnership, metric_id=metric_id).order_by("due_end"))


def annotations_for_metric(*, partnership, user, metric_id: int) -> list:
    """The partnership's notes on one metric, in date order, with who wrote them. One query
    whatever their number."""
    return list(Annotation.objects.for_user(user)
                .filter(partnership=partnership, metric_id=metric_id)
                .select_related("created_by").order_by("date", "pk"))


def annotation_to_change(*, partnership, user, metric_id: int, pk: int):
    """One of the partnership's notes on this metric, if `user` may change it; otherwise
    None (the page is then a 404: another partnership's note is never confirmed to exist)."""
    return (Annotation.objects.for_user(user, access.ANNOTATE)
            .filter(partnership=partnership, metric_id=metric_id, pk=pk)
            .select_related("metric", "partnership").first())


# --- The API's tidy rows -------------------------------------------------------------------
SUPPRESSED_NOTE = "Suppressed: built on a count of 1 to 4"


def _outside(user) -> Q:
    """Rows of partnerships the user sees without being a member (regionally, nationally)."""
    return ~Q(partnership_id__in=member_partnership_ids(user))


def _small_count() -> Q:
    """A figure disclosure control suppresses (METHODS.md §6): of a metric under disclosure
    control, built on a count of 1 to 4 (a count metric's figure is its own count)."""
    own_count = Q(count__isnull=True, metric__unit=Metric.Unit.COUNT, value__gt=0, value__lt=5)
    return Q(metric__disclosure_control=True) & (Q(count__gt=0, count__lt=5) | own_count)


def tidy_rows(queryset: QuerySet, *, user, columns: dict[str, str], hidden: dict[str, object]
              ) -> QuerySet:
    """Rows of observations or summaries for the API, as `values()` dicts keyed by `columns`'
    lookups. Outside their own partnerships a user sees national metrics only, with
    disclosure control: the `hidden` columns of a suppressed figure take the given value
    (None, or a note saying why)."""
    outside = _outside(user)
    suppressed = outside & _small_count()
    fields = queryset.model._meta
    annotations = {
        f"shown_{name}": Case(When(suppressed, then=Value(blank)), default=F(name),
                              output_field=type(fields.get_field(name))())
        for name, blank in hidden.items()
    }
    return (queryset.filter(~outside | Q(metric__owner__isnull=True))
            .annotate(**annotations).values(*dict.fromkeys(["pk", *columns.values()])))


# --- Data coverage ---------------------------------------------------------------------------
def with_latest_held(entries: QuerySet, *, user) -> QuerySet:
    """Framework entries annotated with the latest period held for the metric in their
    partnership's areas (all persons, no category breakdown): `held_label`, `held_start`,
    `held_end` and `held_year_type`, None when nothing is held. Still one query: each is a
    subquery on the observations' (partnership, metric, period_end) index."""
    areas = LocalAuthority.objects.filter(
        partnerships=OuterRef(OuterRef("partnership_id"))).values("code")
    latest = (Observation.objects.for_user(user)
              .filter(partnership_id=OuterRef("partnership_id"), metric_id=OuterRef("metric_id"),
                      sex__in=["", "Persons"], category="", area_code__in=areas)
              .order_by("-period_end", "-period_start"))
    return entries.annotate(**{
        f"held_{name}": Subquery(latest.values(f"period_{name}")[:1])
        for name in ("label", "start", "end", "year_type")
    })


def entry_coverage(entry, today):
    """The coverage of an entry annotated by `with_latest_held`, with its metric loaded."""
    held = (held_period(entry.held_label, entry.held_start, entry.held_end,
                        entry.held_year_type) if entry.held_label else None)
    return coverage(frequency=entry.metric.frequency,
                    lag_months=entry.metric.publication_lag_months, today=today, held=held)


def coverage_for_partnership(*, partnership, user, today=None) -> dict:
    """Each metric of the partnership's local framework with the latest period held in its
    areas, the period expected by now and whether it is behind: what is behind first. One
    query, whatever the data."""
    today = today or timezone.localdate()
    entries = with_latest_held(
        FrameworkMetric.objects.for_user(user).filter(partnership=partnership)
        .select_related("metric"), user=user)
    rows = [{"metric": entry.metric, "coverage": entry_coverage(entry, today)}
            for entry in entries.order_by("metric__order", "metric__name")]
    rows.sort(key=lambda row: sort_key(row["coverage"]))
    return {"rows": rows, "today": today,
            "sentence": summary_sentence([row["coverage"] for row in rows])}

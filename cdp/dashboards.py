"""The pages that compose the apps: a partnership's board dashboard and its metric pages.

They read the recomputed summaries (outcomes.MetricSummary, actionplans.PlanProgressSummary),
never the observations, so that their cost does not grow with the data.
"""

from __future__ import annotations

import csv

from django.db.models import Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView, View

from actionplans import selectors as plan_selectors
from actionplans.progress import NONE_GIVEN
from cdp import fragments
from cdp.areas import area_groups, areas_panel
from cdp.headline import headline_of, mark_tiles, tile_counts
from cdp.sparkline import sparkline
from outcomes import charts
from outcomes import selectors as outcome_selectors
from outcomes.coverage import stale_sentence
from outcomes.models import Metric
from outcomes.templatetags.provenance import has_illustrative
from partnerships import access
from partnerships import selectors as partnership_selectors
from partnerships.csvsafe import escape_formula
from partnerships.mixins import PartnershipViewMixin

# GOV.UK tag colours for the comparison with England: words always say it too.
COMPARISON_TAGS = {"Better": "govuk-tag--green", "Worse": "govuk-tag--red",
                   "Similar": "govuk-tag--yellow", "Higher": "govuk-tag--blue",
                   "Lower": "govuk-tag--blue"}
TARGET_TAGS = {"achieved": "govuk-tag--green", "on track": "govuk-tag--green",
               "off track": "govuk-tag--red"}  # "no data" (not known): grey


def values_of(summary) -> dict:
    """A summary's fields as plain values, without the series when it was not loaded."""
    deferred = summary.get_deferred_fields()
    return {f.attname: getattr(summary, f.attname) for f in summary._meta.fields
            if f.attname not in deferred}


def tile(summary, today=None) -> dict:
    metric = summary.metric
    values = values_of(summary)
    today = today or timezone.localdate()
    target_status = charts.target_status_now(values, today)
    return {
        "summary": summary,
        "metric": metric,
        "value": charts.number(summary.value, metric.unit),
        # The partnership's own figure, where it differs from the published one shown.
        "local": (charts.number(summary.local_value, metric.unit)
                  if summary.local_value is not None else ""),
        "sentence": charts.metric_sentence(name=metric.name, unit=metric.unit, summary=values),
        "trend": charts.trend_sentence(values),
        "target": charts.target_sentence(values, metric.unit, today),
        "target_label": charts.target_label(values, today),
        "comparison_tag": COMPARISON_TAGS.get(summary.england_comparison, "govuk-tag--grey"),
        "target_status": target_status if summary.target_id is not None else "",
        "target_tag": TARGET_TAGS.get(target_status, "govuk-tag--grey"),
        "region_words": charts.comparison_words(summary.region_comparison, "the region"),
        "region_tag": COMPARISON_TAGS.get(summary.region_comparison.split(" ")[0],
                                          "govuk-tag--grey"),
        # The tile's trend line, from the series' values the dashboard reads with it.
        "spark": sparkline(getattr(summary, "trend_values", None),
                           getattr(summary, "trend_periods", None), metric.unit),
        # "Newer figures expected: 2023/24 (we hold 2021/22)" when behind (else empty).
        "stale": stale_sentence(frequency=metric.frequency,
                                lag_months=metric.publication_lag_months,
                                period_label=summary.period_label, today=today),
    }


def progress_rows(rows, axis: str) -> list[dict]:
    """The progress rows (`actionplans.derived.plan_progress`, counted when read) as plain
    dicts, with objectives of no priority or strand named so."""
    return [{**row, "label": NONE_GIVEN[axis] if not row["key"] else row["label"]}
            for row in rows]


def outcome_groups(summaries, today) -> list[tuple]:
    """The tiles grouped by outcome: strategic outcomes first, then intermediate ones, then
    local metrics. Shared by the dashboard and the board pack. No query: the summaries come
    with their metric's outcome (`dashboard_summaries`)."""
    groups: dict = {}
    for summary in summaries:
        groups.setdefault(summary.metric.outcome, []).append(tile(summary, today))
    return sorted(groups.items(), key=lambda item: (
        item[0] is None, item[0].kind != "strategic" if item[0] else True,
        item[0].order if item[0] else 0))


def progress_charts(progress: dict) -> list[dict]:
    """The plan's progress by national priority and by 4P strand: for each, its rows, figure
    and sentence. Shared by the dashboard and the board pack."""
    return [
        {"axis": axis, "title": title, "rows": rows,
         "figure": charts.plan_progress_figure(rows, title=title),
         "sentence": charts.progress_sentence(rows, by=by),
         "closed": any(row["closed"] for row in rows)}
        for axis, title, by in (
            ("priority", "Milestones by national priority", "national priority"),
            ("strand", "Milestones by 4P strand", "4P strand"))
        if (rows := progress_rows(progress[axis], axis))
    ]


class DashboardView(PartnershipViewMixin, TemplateView):
    """The partnership's home page: headline figures by outcome, the plan's progress and
    what is overdue or at risk. The tiles are rendered once per version of what they show
    and kept in the cache (cdp/fragments.py), as are the plan's progress and the milestones
    needing attention as of today."""

    template_name = "cdp/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, partnership = self.request.user, self.partnership
        today = timezone.localdate()
        version = fragments.page_version(partnership_id=partnership.pk)
        key = fragments.fragment_key("dashboard-tiles", partnership=partnership,
                                     version=fragments.figures_version(version), today=today,
                                     actions=self.actions)
        grid = fragments.cached(key, lambda: self.tile_grid(context["can"], today))
        # The plan's progress as of today: every change to the plan moves the summaries'
        # `changed_at` (actionplans.services.base.plan_changed), so it shares their version.
        plan_key = fragments.fragment_key("dashboard-plan", partnership=partnership,
                                          version=version, today=today, actions=self.actions)
        progress, attention, attention_total = fragments.cached(plan_key, lambda: (
            plan_selectors.plan_progress(partnership=partnership, user=user, today=today),
            *plan_selectors.milestones_needing_attention(
                partnership=partnership, user=user, today=today)))
        context.update(
            headline=headline_of(grid["counts"], progress,
                                 several_areas=grid["several_areas"]),
            tile_grid={**grid, "html": mark_safe(grid["html"])},  # noqa: S308 - rendered here
            computed_at=version and version["computed_at"],
            progress=progress,
            progress_charts=progress_charts(progress),
            attention=attention,
            attention_total=attention_total,
        )
        return context

    def tile_grid(self, can: dict, today) -> dict:
        """The tiles by outcome rendered, with what the page takes from them: the headline's
        counts, whether any figure is illustrative, whether the partnership has several
        areas. Plain values, to be kept in the cache."""
        partnership = self.partnership
        summaries = outcome_selectors.dashboard_summaries(partnership=partnership,
                                                          user=self.request.user)
        ordered = outcome_groups(summaries, today)
        # A partnership of several areas: each metric's areas side by side, and combined.
        areas = partnership_selectors.partnership_areas(partnership=partnership)
        if len(areas) > 1:
            ordered = area_groups(ordered, summaries, areas)
        mark_tiles(ordered)
        html = render_to_string("cdp/_tile_grid.html",
                                {"groups": ordered, "partnership": partnership, "can": can})
        return {"html": str(html), "counts": tile_counts(ordered),
                "several_areas": len(areas) > 1, "illustrative": has_illustrative(ordered)}


class MetricMixin(PartnershipViewMixin):
    def get_metric(self) -> Metric:
        """A national metric, or one of this partnership's own: another's is not found."""
        national_or_own = Metric.objects.filter(Q(owner__isnull=True) | Q(owner=self.partnership))
        return access.get_for_user(national_or_own, self.request.user,
                                   pk=self.kwargs["metric_id"])


class MetricView(MetricMixin, TemplateView):
    """One metric: its series with confidence intervals, England, the region and the target,
    a sentence and a table for each of the partnership's areas, its value notes, the
    partnership's dated notes (annotations: on each chart, table and sentence too) and the
    milestones it measures."""

    template_name = "cdp/metric.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        metric = self.get_metric()
        user, partnership = self.request.user, self.partnership
        annotations = outcome_selectors.annotations_for_metric(
            partnership=partnership, user=user, metric_id=metric.pk)
        notes = [{"number": n, "date": a.date, "text": a.text}
                 for n, a in enumerate(annotations, start=1)]
        today = timezone.localdate()
        version = fragments.page_version(partnership_id=partnership.pk)
        # The notes are drawn on the charts and listed in their tables: they are in the key.
        key = fragments.fragment_key(
            "metric-figures", partnership=partnership,
            version=fragments.figures_version(version), today=today, actions=self.actions,
            extra=(metric.pk, [(n["date"].isoformat(), n["text"]) for n in notes]))
        figures = fragments.cached(key, lambda: self.figures(metric, notes, today))
        # The milestones it measures, as of today: every change to the plan moves the
        # version, as on the dashboard.
        plan_key = fragments.fragment_key("metric-plan", partnership=partnership,
                                          version=version, today=today, actions=self.actions,
                                          extra=(metric.pk,))
        milestones = fragments.cached(plan_key, lambda: plan_selectors.milestones_measured_by(
            partnership=partnership, user=user, metric_id=metric.pk, today=today))
        context.update(
            metric=metric, notes=notes, annotations=annotations,
            figures={**figures, "html": mark_safe(figures["html"])},  # noqa: S308 - rendered here
            computed_at=version and version["computed_at"], milestones=milestones,
        )
        return context

    def figures(self, metric, notes: list[dict], today) -> dict:
        """Each area's chart, sentence and table (and, for several areas, the areas side by
        side) rendered, with whether any figure is illustrative and whether there is a chart
        to draw. Plain values, to be kept in the cache."""
        user, partnership = self.request.user, self.partnership
        areas = []
        targets = outcome_selectors.targets_for_metric(partnership=partnership, user=user,
                                                       metric_id=metric.pk)
        notes_sentence = charts.annotations_sentence(notes)
        summaries = outcome_selectors.metric_summaries(partnership=partnership, user=user,
                                                       metric_id=metric.pk)
        partnership_areas = partnership_selectors.partnership_areas(partnership=partnership)
        for summary in summaries:
            target = next((t for t in targets if t.pk == summary.target_id), None)
            points = summary.points
            figure = charts.metric_series_figure(
                name=metric.name, unit=metric.unit, points=points,
                area_name=summary.area_name or summary.area_code,
                region_name=partnership.region.name,
                target=None if target is None else {
                    "baseline_period": target.baseline_period,
                    "baseline_value": target.baseline_value,
                    "due_period": target.due_period, "target_value": target.target_value},
                annotations=notes)
            area = tile(summary, today)
            areas.append({**area, "figure": figure, "points": points,
                          "chart_sentence": " ".join(filter(None, [area["sentence"],
                                                                   notes_sentence])),
                          "rows": charts.annotation_rows(points, notes),
                          "notes": [p for p in points if p["value_note"]]})
        # A partnership of several areas: its areas side by side, and combined.
        side_by_side = (areas_panel(metric, summaries, partnership_areas, with_figure=True)
                        if len(partnership_areas) > 1 else None)
        html = render_to_string("cdp/_metric_figures.html", {
            "partnership": partnership, "metric": metric, "areas": areas, "notes": notes,
            "annotations": bool(notes), "side_by_side": side_by_side})
        return {"html": str(html), "illustrative": has_illustrative(areas),
                "charts": bool(areas or (side_by_side and side_by_side.get("figure")))}


class MetricCsvView(MetricMixin, View):
    """The chart's figures as CSV: one row per area and period."""

    def get(self, request, *args, **kwargs):
        metric = self.get_metric()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.partnership.slug}-{metric.code}.csv"')
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["metric", "area_code", "area_name", "period", "value", "lower_ci",
                         "upper_ci", "count", "england", "region", "value_note"])
        for summary in outcome_selectors.metric_summaries(
                partnership=self.partnership, user=request.user, metric_id=metric.pk):
            for point in summary.points:
                writer.writerow([escape_formula(v) if isinstance(v, str) else v for v in (
                    metric.code, summary.area_code, summary.area_name, point["period_label"],
                    point.get("value"), point.get("lower_ci"), point.get("upper_ci"),
                    point.get("count"), point.get("england"), point.get("region"),
                    point.get("value_note") or "")])
        return response


class PlanProgressCsvView(PartnershipViewMixin, View):
    """The plan progress charts' figures as CSV."""

    def get(self, request, *args, **kwargs):
        progress = plan_selectors.plan_progress(partnership=self.partnership, user=request.user)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.partnership.slug}-plan-progress.csv"')
        response.write("\ufeff")
        writer = csv.writer(response)
        columns = ["total", "complete", "on_track", "at_risk", "off_track", "not_started",
                   "closed", "overdue", "percent_complete"]
        writer.writerow(["grouping", "group", *columns])
        for axis in ("priority", "strand"):
            for row in progress_rows(progress[axis], axis):
                writer.writerow([axis, row["label"], *(row[c] for c in columns)])
        return response


class SpineView(PartnershipViewMixin, TemplateView):
    """Every metric of the local framework against England's range (Fingertips' spine chart).
    Its chart and table are rendered once per version of the summaries and metrics they
    show (the dashboard's tiles' version: cdp/fragments.py) and kept in the cache."""

    template_name = "cdp/spine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = fragments.page_version(partnership_id=self.partnership.pk)
        key = fragments.fragment_key("spine", partnership=self.partnership,
                                     version=fragments.figures_version(version),
                                     today=timezone.localdate(), actions=self.actions)
        spine = fragments.cached(key, self.spine)
        context.update(
            spine_html=mark_safe(spine["html"]),  # noqa: S308 - rendered here
            illustrative=spine["illustrative"], figure=spine["drawn"],
            computed_at=version and version["computed_at"],  # no version: never computed
        )
        return context

    def spine(self) -> dict:
        """The chart and its table rendered (templates/cdp/_spine.html), with whether any
        figure is illustrative and whether there is a chart: plain values, for the cache."""
        summaries = outcome_selectors.dashboard_summaries(partnership=self.partnership,
                                                          user=self.request.user)
        plain = [{**values_of(s),
                  "name": s.metric.name + (f" ({s.area_name})" if s.area_name else ""),
                  "polarity": s.metric.polarity, "unit": s.metric.unit} for s in summaries]
        rows = charts.spine_rows(plain)
        sentence = charts.spine_sentence(rows, len(plain))
        # Drawn whenever there are metrics: one that cannot be placed says why.
        figure = charts.spine_figure(rows, title="Compared with England's range") if rows else None
        html = render_to_string("cdp/_spine.html", {
            "rows": rows, "sentence": sentence, "figure": figure,
            "partnership": self.partnership})
        return {"html": str(html), "illustrative": has_illustrative(rows),
                "drawn": figure is not None}

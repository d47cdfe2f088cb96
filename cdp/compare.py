"""The compare page: every area of England side by side on the national metrics, from the
national reference data (published figures, the same for everyone signed in), as Fingertips
compares them. A partnership's own observations are never shown here.

`/compare/` shows a grid of areas × metrics, each cell the area's verdict against England in
words and colour, for the metrics and the period chosen (each metric's latest by default).
`/compare/<metric>/` shows one metric: every area's figure for a chosen period (the latest by
default), in a chart, a sentence and a table. Every choice is a GET form that works without
JavaScript; a value that is not among the choices is not found."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from outcomes import charts
from outcomes import compare as selectors
from partnerships import access

from .dashboards import COMPARISON_TAGS

ALL_REGIONS = ""


def _choice(request, name: str, allowed, default: str = "") -> str:
    """The value of a GET choice, which must be one of `allowed` (or blank: the default)."""
    chosen = request.GET.get(name, "").strip()
    if not chosen:
        return default
    if chosen not in allowed:
        raise Http404(f"No such {name}")
    return chosen


def _ids(values: list[str]) -> list[int]:
    # Digits only, as the path's <int:metric_id> takes: "5.0", "-1", "x" are not ids.
    if not all(v.isascii() and v.isdigit() and len(v) < 10 for v in values):
        raise Http404("No such metric")
    return [int(v) for v in values]


def cell(row: dict | None, unit: str) -> dict:
    """A grid cell: the verdict in words, its colour, and the figure."""
    if row is None:
        return {"words": "No figure", "tag": "govuk-tag--grey", "value": ""}
    verdict = row["england_comparison"]
    words = verdict if verdict in selectors.COMPARED else "Not compared"
    return {"words": words, "tag": COMPARISON_TAGS.get(words, "govuk-tag--grey"),
            "value": charts.number(row["value"], unit) if row["value"] is not None else "–"}


def verdict_words(counts) -> str:
    """"3 better, 10 similar, 2 worse, 1 not compared" (what there is, in that order)."""
    parts = [f"{counts[k]} {k.lower()}" for k in (*selectors.COMPARED, "Not compared")
             if counts[k]]
    return ", ".join(parts) or "no figures"


class CompareView(LoginRequiredMixin, TemplateView):
    template_name = "cdp/compare.html"

    def get(self, request, *args, **kwargs):
        if "metric" in request.GET:  # the one-metric chooser
            chosen = _ids([request.GET["metric"].strip()])[0]
            metric = access.get_for_user(selectors.comparable_metrics(user=request.user),
                                         request.user, pk=chosen)
            return redirect("compare_metric", metric_id=metric.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        metrics = list(selectors.comparable_metrics(user=self.request.user))
        context["metrics"] = metrics
        metric_id = self.kwargs.get("metric_id")
        if metric_id is None:
            context.update(self.grid(metrics))
            return context
        metric = next((m for m in metrics if m.pk == metric_id), None)
        if metric is None:
            raise Http404("No such metric")
        context.update(self.one_metric(metric))
        return context

    def grid(self, metrics: list) -> dict:
        """Areas × metrics, each cell the verdict against England."""
        by_id = {m.pk: m for m in metrics}
        shown = _ids(self.request.GET.getlist("show"))
        if any(pk not in by_id for pk in shown):
            raise Http404("No such metric")
        if not shown:
            headline = [m for m in metrics if m.tier == "headline"] or metrics
            shown = [m.pk for m in (headline + metrics)][:selectors.GRID_METRICS]
            shown = list(dict.fromkeys(shown))
        periods = selectors.metric_periods(user=self.request.user, metric_ids=shown)
        choices = sorted({p for pk in shown for p in periods.get(pk, [])},
                         key=lambda p: min(periods[pk].index(p) for pk in shown
                                           if p in periods.get(pk, [])))
        period = _choice(self.request, "period", choices)
        chosen = {pk: period or periods[pk][0] for pk in shown
                  if periods.get(pk) and (not period or period in periods[pk])}
        found = selectors.grid_areas(user=self.request.user, chosen=chosen)
        regions = {code: name for areas in found.values() for code, name in areas.regions.items()}
        region = _choice(self.request, "region", regions, ALL_REGIONS)
        return self.grid_context(metrics=[by_id[pk] for pk in shown], found=found,
                                 period=period, periods=choices, regions=regions,
                                 region=region)

    def grid_context(self, *, metrics, found, period, periods, regions, region) -> dict:
        columns, names, rows_by_area = [], {}, {}
        for metric in metrics:
            areas = found.get(metric.pk)
            rows = [r for r in (areas.rows if areas else [])
                    if not region or r["parent_code"] == region]
            columns.append({"metric": metric, "period": areas.period if areas else period,
                            "counts": selectors.verdict_counts(rows), "held": bool(rows),
                            "illustrative": any("illustrative" in r["value_note"].lower()
                                                for r in rows)})
            for r in rows:
                names.setdefault(r["area_code"], r["area_name"] or r["area_code"])
                rows_by_area.setdefault(r["area_code"], {})[metric.pk] = r
        grid = [{"code": code, "name": name,
                 "cells": [cell(rows_by_area[code].get(m.pk), m.unit) for m in metrics]}
                for code, name in sorted(names.items(), key=lambda item: item[1].casefold())]
        for column in columns:
            column["words"] = verdict_words(column["counts"])
        where = regions.get(region, "England")
        return {
            "grid": grid, "columns": columns, "shown_ids": [m.pk for m in metrics],
            "period": period, "periods": periods, "regions": sorted(
                regions.items(), key=lambda item: item[1]), "region": region,
            "grid_sentence": charts.grid_sentence(columns, areas=len(grid), where=where),
            "any_illustrative": any(c["illustrative"] for c in columns),
        }

    def one_metric(self, metric) -> dict:
        """Every area's figure for one metric and period."""
        periods = selectors.metric_periods(user=self.request.user,
                                           metric_ids=[metric.pk]).get(metric.pk, [])
        period = _choice(self.request, "period", periods, periods[0] if periods else "")
        areas = selectors.metric_areas(user=self.request.user, metric=metric, period=period)
        region = _choice(self.request, "region", areas.regions, ALL_REGIONS)
        rows = [r for r in areas.rows if not region or r["parent_code"] == region]
        table = charts.compare_rows(rows, polarity=metric.polarity)
        england = areas.england["value"] if areas.england else None
        if england is None:
            england = next((r["england_value"] for r in rows
                            if r["england_value"] is not None), None)
        return {
            "metric": metric, "rows": table, "period": period, "periods": periods,
            "region": region, "regions": sorted(areas.regions.items(), key=lambda i: i[1]),
            "area_type": areas.area_type, "england": england, "sources": areas.sources(),
            "any_illustrative": areas.illustrative(),
            "sentence": charts.compare_sentence(table, name=metric.name, unit=metric.unit,
                                                period=period),
            "figure": charts.compare_figure(table, name=metric.name, unit=metric.unit,
                                            england=england)
            if any(r["value"] is not None for r in table) else None,
        }

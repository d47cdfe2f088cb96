"""A partnership of several areas (South Yorkshire over Barnsley, Doncaster, Rotherham and
Sheffield; Cambridgeshire and Peterborough) on its dashboard and metric pages: each metric's
areas side by side, and their combined figure where it can be made (outcomes.combine).

Made from the summaries the pages already read and the partnership's list of areas (one
query): no query per metric or area.
"""

from __future__ import annotations

from outcomes import charts
from outcomes.combine import AreaFigure, Combined, combine
from outcomes.provenance import is_illustrative

# GOV.UK tag colours by the comparison's first word: the words always say it too.
TAGS = {"Better": "govuk-tag--green", "Worse": "govuk-tag--red", "Similar": "govuk-tag--yellow",
        "Higher": "govuk-tag--blue", "Lower": "govuk-tag--blue", "Highest": "govuk-tag--blue",
        "Lowest": "govuk-tag--blue"}


def tag_for(comparison: str | None) -> str:
    return TAGS.get((comparison or "").split(" ")[0], "govuk-tag--grey")


def area_rows(metric, summaries: dict, areas: list[tuple[str, str]]) -> list[dict]:
    """One row per area of the partnership, in its order, with its latest figure (or none)."""
    rows = []
    for code, name in areas:
        summary = summaries.get(code)
        comparison = summary.england_comparison if summary else "Not compared"
        rows.append({
            "code": code, "label": name, "summary": summary,
            "period_label": summary.period_label if summary else "",
            "value": summary.value if summary else None,
            "lower_ci": summary.lower_ci if summary else None,
            "upper_ci": summary.upper_ci if summary else None,
            "value_text": charts.number(summary.value, metric.unit) if summary else "No figure",
            "england_comparison": comparison,
            "comparison_words": charts.comparison_words(comparison),
            "comparison_tag": tag_for(comparison),
            "trend": summary.trend_label if summary else "",
            "ci_text": f"{charts.number(summary.lower_ci, metric.unit)} to "
                       f"{charts.number(summary.upper_ci, metric.unit)}"
            if summary and summary.lower_ci is not None and summary.upper_ci is not None
            else "–",
        })
    return rows


def combined_of(metric, rows: list[dict]) -> Combined:
    """The areas' latest figures combined as the metric's value type allows (METHODS §1–2)."""
    figures = [AreaFigure(
        name=r["label"], period_label=r["period_label"] or None, value=r["value"],
        count=s.count if (s := r["summary"]) else None,
        denominator=s.denominator if s else None,
        england=s.england_value if s else None, region=s.region_value if s else None)
        for r in rows]
    return combine(figures, value_type=metric.value_type, multiplier=metric.multiplier,
                   polarity=metric.polarity, comparator_method=metric.comparator_method,
                   confidence_level=metric.confidence_level)


def combined_row(metric, combined: Combined) -> dict | None:
    """The combined figure as a row of the table (and a bar of the chart); None when the
    figures cannot be combined."""
    if not combined.combined:
        return None
    unit = metric.unit
    return {
        "label": f"All {len(combined.areas)} areas combined", "combined": True,
        "period_label": combined.period_label, "value": combined.value,
        "lower_ci": combined.lower95, "upper_ci": combined.upper95,
        "lower_ci_998": combined.lower998, "upper_ci_998": combined.upper998,
        "value_text": charts.number(combined.value, unit),
        "ci_text": f"{charts.number(combined.lower95, unit)} to "
                   f"{charts.number(combined.upper95, unit)}",
        "ci_998_text": f"{charts.number(combined.lower998, unit)} to "
                       f"{charts.number(combined.upper998, unit)}",
        "count": combined.count, "denominator": combined.denominator,
        "method": combined.method, "england": combined.england,
        "england_comparison": combined.england_comparison,
        "comparison_words": charts.comparison_words(combined.england_comparison),
        "comparison_tag": tag_for(combined.england_comparison),
        "region_words": charts.comparison_words(combined.region_comparison, "the region"),
    }


def areas_panel(metric, summaries, areas: list[tuple[str, str]], *,
                with_figure: bool = False) -> dict:
    """What the pages show of one metric's areas side by side: the rows, the combined row
    (or the reason there is none), a sentence and, for the metric page, a chart."""
    rows = area_rows(metric, {s.area_code: s for s in summaries}, areas)
    for row in rows:
        row["illustrative"] = row["summary"] is not None and is_illustrative(
            row["summary"].value_note)
    combined = combined_of(metric, rows)
    total = combined_row(metric, combined)
    illustrative = any(row["illustrative"] for row in rows)
    panel = {
        "metric": metric, "rows": rows, "combined": total, "illustrative": illustrative,
        "reason": "" if total else combined.reason,
        "sentence": charts.areas_sentence(rows, name=metric.name, unit=metric.unit,
                                          combined=total, reason=combined.reason),
    }
    if with_figure:
        periods = {r["period_label"] for r in rows if r["value"] is not None}
        england = total["england"] if total else next(
            (r["summary"].england_value for r in rows
             if r["summary"] is not None and len(periods) == 1), None)
        name = f"{metric.name} (Illustrative)" if illustrative else metric.name
        panel["figure"] = charts.areas_figure(
            rows + ([total] if total else []), name=name, unit=metric.unit,
            england=england) if periods else None
    return panel


def area_groups(groups: list[tuple], summaries, areas: list[tuple[str, str]]) -> list[tuple]:
    """The dashboard's outcome groups with each metric's tiles (one per area) made into one
    tile of its areas side by side: {"metric", "areas": the area tiles, "panel"}."""
    by_metric: dict = {}
    for summary in summaries:
        by_metric.setdefault(summary.metric_id, []).append(summary)
    grouped = []
    for outcome, tiles in groups:
        merged: dict = {}
        for tile in tiles:
            entry = merged.setdefault(tile["metric"].pk, {"metric": tile["metric"], "areas": []})
            entry["areas"].append(tile)
        for entry in merged.values():
            entry["panel"] = areas_panel(entry["metric"], by_metric[entry["metric"].pk], areas)
            # Each area's trend line (cdp.sparkline), made once with its tile.
            sparks = {area["summary"].area_code: area.get("spark") for area in entry["areas"]}
            for row in entry["panel"]["rows"]:
                row["spark"] = sparks.get(row["code"])
        grouped.append((outcome, list(merged.values())))
    return grouped

"""Rows of the national reference data for tests, with their statistics columns set directly
(as `reference_recompute` fills them): England, two regions, and local authorities of each."""

from __future__ import annotations

from datetime import date

LA = "County & UA (pre 4/19)"
# (code, name, area type, parent)
AREAS = [
    ("E92000001", "England", "England", ""),
    ("E12000003", "Yorkshire and the Humber region", "Region", "E92000001"),
    ("E12000001", "North East region", "Region", "E92000001"),
    ("E08000018", "Rotherham", LA, "E12000003"),
    ("E08000019", "Sheffield", LA, "E12000003"),
    ("E06000005", "Darlington", LA, "E12000001"),
]
# Each local authority's verdict against England, by metric code (the same in every period
# but the words of the latest one).
VERDICTS = {
    "drug_misuse_deaths": {"E08000018": "Worse", "E08000019": "Similar", "E06000005": "Worse"},
    "numbers_in_treatment": {"E08000018": "Higher", "E08000019": "Lower",
                             "E06000005": "Not compared"},
    "continuity_of_care": {"E08000018": "Better", "E08000019": "Worse", "E06000005": "Similar"},
}
YEARS = (2021, 2022)


def make_reference(codes=tuple(VERDICTS), years=YEARS, *, illustrative: str = ""):
    """Reference rows for the metrics × areas × calendar years; returns them. An area in
    `illustrative` (a code) has its figures marked "Illustrative"."""
    from outcomes.models import Metric, ReferenceFigure

    rows = []
    for code in codes:
        metric = Metric.objects.get(code=code, owner=None)
        for year in years:
            for n, (area, name, area_type, parent) in enumerate(AREAS):
                value = 10.0 + n + (year - 2000) / 10
                verdict = VERDICTS[code].get(area, "Not compared")
                rows.append(ReferenceFigure(
                    metric=metric, area_code=area, area_name=name, area_type=area_type,
                    parent_code=parent, period_label=str(year),
                    period_start=date(year, 1, 1), period_end=date(year, 12, 31),
                    period_year_type="calendar", period_sortable=year * 10000,
                    sex="Persons", age="All ages", value=value, lower_ci=value - 1,
                    upper_ci=value + 1, lower_ci_998=value - 2, upper_ci_998=value + 2,
                    count=value * 10, denominator=100000.0,
                    value_note="Illustrative" if area == illustrative else "",
                    source="" if area == illustrative else "OHID Fingertips",
                    england_value=10.0 + (year - 2000) / 10,
                    england_comparison=verdict if area_type == LA else "Not compared",
                    region_value=11.0, region_comparison="Similar" if area_type == LA
                    else "Not compared",
                    trend_marker="Increasing" if area_type == LA else "",
                    trend_label="Increasing and getting worse" if area_type == LA else "",
                    quintile=n - 2 if area_type == LA else 0,
                    rank=n - 2 if area_type == LA else None, rank_of=3 if area_type == LA
                    else None))
    return ReferenceFigure.objects.bulk_create(rows)

"""Demo figures, targets and local frameworks from the seeds. Idempotent.

What the seeds say is loaded through the import service, as a partnership's analyst would,
with the seed quoted in the value note. Where a seed leaves something out (the exact period
behind "last year", a baseline), the note says what was assumed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from partnerships.models import Partnership

from . import demo_reference, services
from .bulk import insert_rows
from .coverage import STEPS, expected_period, shift
from .models import (
    Annotation,
    FrameworkMetric,
    ImportBatch,
    LocalAim,
    Metric,
    ReferenceFigure,
    Target,
)
from .services.reference import reference_recompute

DEMO_FILE = "Figures from council minutes (demo).csv"
AREA_NAMES = {"E08000018": "Rotherham", "E06000031": "Peterborough",
              "E10000003": "Cambridgeshire", "E12000006": "East of England",
              "E06000014": "York"}

FIGURES = {
    "rotherham": [
        # "Last year" beside "at the end of November, 2023": read as the twelve months to
        # the end of November 2022, so that the two figures are for periods of the same kind
        # a year apart, not overlapping ones (2022/23 would share Dec 2022 - Mar 2023).
        ("numbers_in_treatment", "E08000018", "Dec 2021 - Nov 2022", 2081, 2081,
         "Health Select Commission: '2,081 last year' (period assumed to be the 12 months "
         "to November 2022, a year before the 2,153)"),
        ("numbers_in_treatment", "E08000018", "Dec 2022 - Nov 2023", 2153, 2153,
         "Health Select Commission: '2,153 at the end of November, 2023'"),
        ("drug_offences", "E08000018", "2020/21", 708, 708,
         "Needs assessment: '708 recorded drug offences in Rotherham for 2020-2021'"),
    ],
    "cambridgeshire-peterborough": [
        ("drug_misuse_deaths", "E06000031", "2014 - 16", 5.7, 34,
         "DAADB report 2018: '34 (2014/15)', rate 5.7 per 100,000"),
        ("drug_misuse_deaths", "E06000031", "2015 - 17", 5.0, 30,
         "DAADB report 2018: '30 (2015/17)', rate 5.0 per 100,000"),
        ("drug_misuse_deaths", "E10000003", "2014 - 16", 3.5, 65,
         "DAADB report 2018: 65 deaths, rate 3.5 per 100,000"),
        ("drug_misuse_deaths", "E10000003", "2015 - 17", 3.6, 67,
         "DAADB report 2018: 67 deaths, rate 3.6 per 100,000"),
        ("drug_misuse_deaths", "E12000006", "2015 - 17", 3.6, None,
         "DAADB report 2018: 'matching the regional average (3.6)'"),
    ],
    "york": [
        ("digital_iba", "E06000014", "2022/23", 6860, 6860,
         "Local Plan of Action: 'Total to date – 6860' of the 15,000 target"),
    ],
}

LOCAL_METRICS = {
    "york": [("digital_iba", "Digital alcohol Identification and Brief Advice (IBA) interventions",
              Metric.Unit.COUNT, Metric.Polarity.HIGHER_IS_BETTER)],
    "rotherham": [("residential_rehab", "Additional people attending residential rehab",
                   Metric.Unit.COUNT, Metric.Polarity.HIGHER_IS_BETTER)],
}

# Rotherham's framework follows its four strands (seed 001); the grouping is illustrative.
# Alcohol-specific mortality (real, old Fingertips figures) is in each framework so that every
# demo dashboard shows a published verdict beside the illustrative ones.
AIMS = {
    "rotherham": [
        ("Prepare: build community resilience to reduce the impact of drug harm",
         ["pupils_ok_to_take_drugs", "children_social_care_drugs"]),
        ("Prevent: stop individuals becoming involved in drugs and support recovery",
         ["numbers_in_treatment", "continuity_of_care", "residential_rehab"]),
        ("Protect: protect those in treatment and recovery, their families and the community",
         ["drug_misuse_deaths", "drug_poisoning_admissions", "alcohol_specific_mortality",
          "substantial_progress", "successful_completion_opiate",
          "successful_completion_non_opiate"]),
        ("Pursue: reduce drug supply and related crime",
         ["drug_offences", "county_lines_closed", "ocg_disruptions"]),
    ],
    "cambridgeshire-peterborough": [
        ("Reduce drug-related deaths and harm",
         ["drug_misuse_deaths", "drug_poisoning_admissions", "alcohol_specific_mortality",
          "successful_completion_opiate", "successful_completion_non_opiate"]),
    ],
    "york": [
        ("Deliver a world-class treatment and recovery system",
         ["numbers_in_treatment", "continuity_of_care", "drug_misuse_deaths",
          "alcohol_specific_mortality", "digital_iba"]),
    ],
}

TARGETS = {
    "rotherham": [
        ("numbers_in_treatment", "440 additional adults in treatment by the end of 2024/25",
         2081, "Dec 2021 - Nov 2022", date(2022, 11, 30), 2521, "2024/25", date(2025, 3, 31),
         "Seed 000; the baseline is assumed to be last year's 2,081 (12 months to Nov 2022)"),
        ("continuity_of_care", "Continuity of care between prison and treatment raised to 75%",
         None, "", None, 75, "2024/25", date(2025, 3, 31), "Seed 000"),
        ("residential_rehab", "38 additional people attending residential rehab in 2024/25",
         None, "", None, 38, "2024/25", date(2025, 3, 31), "Seed 000"),
    ],
    "york": [
        ("digital_iba", "15,000 digital IBA interventions by July 2024",
         0, "2021/22", date(2022, 3, 31), 15000, "Jul 2024", date(2024, 7, 31),
         "Seed 003; the baseline of 0 before 2022/23 is assumed"),
    ],
}


# Notes on a metric's charts, written by the partnership's lead: (metric, date, text). Seed 000
# names the day, not the year (read as 2023, the year of the minutes' new plan); the second
# note's date is made up, and it says so.
ANNOTATIONS = {
    "rotherham": [
        ("numbers_in_treatment", date(2023, 4, 1),
         "New treatment provider from 1 April: the recommissioned drug and alcohol service "
         "(seed 000; year assumed)"),
        ("numbers_in_treatment", date(2023, 9, 1),
         "Dual diagnosis pathway with RDaSH starts (seed 000; date synthetic)"),
    ],
}

RECENT_FILE = "Recent quarterly figures (synthetic demo).csv"
# For the data coverage page: Rotherham's last four quarters of two quarterly metrics, made up
# and labelled so. Continuity of care runs to the latest quarter that should be published by
# the day the demo is loaded (up to date); substantial progress stops two quarters earlier, so
# that it shows as behind. (The seeds' own figures are years old: behind too.)
RECENT = {"rotherham": [("continuity_of_care", 0, [38.0, 41.5, 44.0, 46.5]),
                        ("substantial_progress", 2, [44.0, 45.5, 45.0, 46.0])]}


def partnership_metric(partnership: Partnership, code: str) -> Metric:
    """The partnership's own local metric with this code, else the national one."""
    local = Metric.objects.filter(code=code, owner=partnership).first()
    return local or Metric.objects.get(code=code, owner=None)


def _import(partnership: Partnership, loader, file_name: str, header: list[str],
            rows: Iterable[list]) -> None:
    """Loads the rows as a tidy CSV file, through the import service as an analyst would."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    services.import_file(
        partnership=partnership, user=loader, file_name=file_name,
        data=buffer.getvalue().encode(), format=ImportBatch.Format.TIDY,
    )


def _local_metrics() -> None:
    for slug, metrics in LOCAL_METRICS.items():
        partnership = Partnership.objects.get(slug=slug)
        for code, name, unit, polarity in metrics:
            Metric.objects.get_or_create(
                owner=partnership, code=code,
                defaults={"name": name, "tier": Metric.Tier.LOCAL, "unit": unit,
                          "polarity": polarity, "frequency": Metric.Frequency.AD_HOC,
                          "source": "Local"},
            )


def _frameworks() -> None:
    for slug, aims in AIMS.items():
        partnership = Partnership.objects.get(slug=slug)
        for order, (name, codes) in enumerate(aims, start=1):
            aim, _ = LocalAim.objects.get_or_create(partnership=partnership, name=name,
                                                    defaults={"order": order})
            for position, code in enumerate(codes, start=1):
                FrameworkMetric.objects.get_or_create(
                    partnership=partnership, metric=partnership_metric(partnership, code),
                    defaults={"aim": aim, "order": order * 100 + position},
                )


def _targets() -> None:
    for slug, targets in TARGETS.items():
        partnership = Partnership.objects.get(slug=slug)
        for code, description, b_value, b_period, b_end, t_value, due, due_end, source in targets:
            Target.objects.get_or_create(
                partnership=partnership, description=description,
                defaults={"metric": partnership_metric(partnership, code),
                          "baseline_value": b_value, "baseline_period": b_period,
                          "baseline_end": b_end, "target_value": t_value, "due_period": due,
                          "due_end": due_end, "source": source},
            )


def load_demo_annotations() -> None:
    for slug, notes in ANNOTATIONS.items():
        partnership = Partnership.objects.get(slug=slug)
        lead = get_user_model().objects.get(username=f"{slug}.lead")
        for code, on, text in notes:
            metric = partnership_metric(partnership, code)
            if not Annotation.objects.filter(partnership=partnership, metric=metric, date=on,
                                             text=text).exists():
                services.annotation_create(partnership=partnership, user=lead, metric=metric,
                                           on=on, text=text)


def _seed_figures(loader) -> None:
    for slug, rows in FIGURES.items():
        partnership = Partnership.objects.get(slug=slug)
        if ImportBatch.objects.filter(partnership=partnership, file_name=DEMO_FILE).exists():
            continue  # loaded before: nothing to change
        _import(partnership, loader, DEMO_FILE,
                ["metric", "area_code", "area_name", "period", "value", "count", "value_note",
                 "source"],
                ([code, area, AREA_NAMES[area], period, value, "" if count is None else count,
                  note, "Council minutes (seed)"]
                 for code, area, period, value, count, note in rows))


def _recent_rows(partnership: Partnership, series: list, today: date) -> Iterable[list]:
    """Each metric's values, the last one for its latest period expected by now, less
    `behind` steps of its frequency."""
    area = partnership.local_authorities.order_by("code").first()
    for code, behind, values in series:
        metric = partnership_metric(partnership, code)
        latest = expected_period(metric.frequency, metric.publication_lag_months, today)
        step = STEPS[metric.frequency]
        for back, value in zip(range(len(values) + behind - 1, behind - 1, -1), values,
                               strict=True):
            yield [code, area.code, area.name, shift(latest, -step * back).label, value,
                   "Synthetic figure for the demo, not a real one", "Synthetic (demo)"]


def load_demo_recent_figures(loader) -> None:
    today = timezone.localdate()
    for slug, series in RECENT.items():
        partnership = Partnership.objects.get(slug=slug)
        if ImportBatch.objects.filter(partnership=partnership, file_name=RECENT_FILE).exists():
            continue
        _import(partnership, loader, RECENT_FILE,
                ["metric", "area_code", "area_name", "period", "value", "value_note", "source"],
                _recent_rows(partnership, series, today))


# --- National reference data -------------------------------------------------------------
FIXTURES = settings.BASE_DIR / "fixtures"
# The real published file (fixtures/README.md): its figures are shown with the licence credit
# and a note that they are old, never as current.
FINGERTIPS_FILE = "alcohol_specific_mortality_91380.csv"
# Its rows' source, which the API's licence credit names ("Contains public sector information
# from OHID Fingertips, licensed under the Open Government Licence v3.0").
FINGERTIPS_SOURCE = "OHID Fingertips"
ILLUSTRATIVE_FILE = "Illustrative reference series (demo)"


def load_demo_fingertips(loader) -> None:
    """The real OHID file for 91380 into the national reference data through the import
    service, as a national administrator would load it: a reference batch that belongs to no
    partnership and can be rolled back, its statistics recomputed when it is applied."""
    if ImportBatch.objects.filter(partnership=None, file_name=FINGERTIPS_FILE).exists():
        return
    batch = services.import_file(
        partnership=None, user=loader, file_name=FINGERTIPS_FILE,
        data=(FIXTURES / FINGERTIPS_FILE).read_bytes(), format=ImportBatch.Format.FINGERTIPS)
    if batch.status != ImportBatch.Status.COMPLETE:
        raise RuntimeError(f"the demo's Fingertips file did not load: {batch.failure or batch}")
    # The reader calls every Fingertips row's source "Fingertips (OHID)"; the demo names the
    # publisher as its licence credit does.
    ReferenceFigure.objects.filter(batch=batch).update(source=FINGERTIPS_SOURCE)


def _held_keys() -> set[tuple]:
    """The all-persons reference rows already held (the seeds' real figures): illustrative
    ones never replace them."""
    held = services.headline_rows(ReferenceFigure.objects.filter(category_type="", category=""))
    return set(held.values_list("metric_id", "area_code", "period_start", "period_end",
                                "period_year_type"))


def load_demo_illustrative(loader) -> list[int]:
    """Invented reference series for the framework's metrics (outcomes.demo_reference),
    every row marked Illustrative, where no real figure is held. Returns the metrics'
    ids."""
    if ReferenceFigure.objects.filter(source=demo_reference.ILLUSTRATIVE_SOURCE).exists():
        return []
    specs = [demo_reference.MetricSpec(m.pk, m.code, m.unit, m.value_type, m.frequency,
                                       m.year_type)
             for m in Metric.objects.filter(owner=None, code__in=demo_reference.SHAPES)]
    geography = json.loads((FIXTURES / "geography.json").read_text())
    batch = ImportBatch.objects.create(
        partnership=None, created_by=loader, file_name=ILLUSTRATIVE_FILE,
        format=ImportBatch.Format.TIDY, status=ImportBatch.Status.COMPLETE,
        finished_at=timezone.now())
    held = _held_keys()
    key = [demo_reference.COLUMNS.index(c) for c in (
        "metric_id", "area_code", "period_start", "period_end", "period_year_type")]
    rows = (row for row in demo_reference.illustrative_rows(specs, geography, batch_id=batch.pk)
            if tuple(row[i] for i in key) not in held)
    batch.rows_total = batch.rows_done = batch.inserted = insert_rows(
        ReferenceFigure, demo_reference.COLUMNS, rows)
    batch.save(update_fields=["rows_total", "rows_done", "inserted"])
    return [spec.pk for spec in specs]


def load_demo_reference(loader) -> None:
    load_demo_fingertips(loader)
    if metric_ids := load_demo_illustrative(loader):
        # Comparisons, trends, quintiles and ranks of the new rows, as Fingertips computes them
        # (the Fingertips file's were computed when its batch was applied).
        reference_recompute(metric_ids=metric_ids)


@transaction.atomic
def load_demo_outcomes() -> None:
    loader = get_user_model().objects.get(username="national.admin")
    _local_metrics()
    _frameworks()
    _targets()
    load_demo_annotations()
    _seed_figures(loader)
    load_demo_recent_figures(loader)
    load_demo_reference(loader)

"""The dashboard summaries on national-scale synthetic data, and the pages that read them. On
`outcomes.synthetic.generate(partnerships=150, years=10)` (published figures for 165 areas ×
every catalogue metric × 10 years, by sex and age, in the national reference data, and every
fourth partnership's own figures for the same points) it measures, in one run: the floor
(reading the same rows the recompute reads into pandas the same way, without choosing between
published and own figures, plus one groupby); the full recompute (`summaries_recompute` of
every partnership, writes included) and its parts; one partnership's recompute after an edit; the
trend step before (np.polyfit, as `outcomes.stats` had it) and after (closed form), with the
largest difference between them; the board dashboard and a metric page, at 30 and at 150
partnerships, to show their queries and time do not grow with the national data; the public
page signed out, served from the cache and rendered afresh; and the weight of the dashboard's
scripts and stylesheets.

Run with `make bench BENCH=summaries` (real PostgreSQL). Prints a table and writes
bench/results/summaries.txt. Compare ratios within one run: the machines are shared.
"""

from __future__ import annotations

import contextlib
import gzip
import statistics
import time
from collections.abc import Callable, Iterator

import numpy as np
from harness import ROOT, benchmark_database, report, setup_django, summarise, time_calls

PARTNERSHIPS = (30, 150)  # the two data sizes the pages are measured at
YEARS = 10
RECOMPUTE_REPEAT = 3
TREND_REPEAT = 5
ONE_REPEAT = 10
PAGE_REPEAT = 100
PAGE_WARMUP = 10
# What the dashboard page loads (plotly and charts.js only when it has charts to draw).
ASSETS = ["build/app.css", "build/plotly/plotly.css", "build/plotly/plotly-basic.min.js",
          "js/app.js", "js/charts.js", "build/govuk/govuk-frontend.min.js"]

# Targets.
FULL_SECONDS = 5
FULL_OVER_FLOOR = 3
ONE_SECONDS = 0.5
PAGE_P95_MS = 30
ASSETS_BYTES = 1.6e6


def seconds(call: Callable[[], object], repeat: int, warmup: int = 0) -> float:
    """Median seconds of `repeat` calls."""
    return statistics.median(time_calls(call, repeat, warmup=warmup)) / 1000


@contextlib.contextmanager
def patched(owner, name: str, value) -> Iterator[None]:
    old = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, old)


# --- The trend step as it was: np.polyfit in the leave-one-out fits ------------------------
def numpy_weighted_slope(y: np.ndarray, w: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    import math

    s1, s2, s3, s4, s5 = w.sum(), (w * y * t).sum(), (w * t).sum(), (w * y).sum(), (
        w * t * t).sum()
    spread = s1 * s5 - s3 * s3
    return float((s1 * s2 - s3 * s4) / spread), float(math.sqrt(s1 / spread))


def polyfit_fits() -> list[np.ndarray]:
    everything = np.ones(5, dtype=bool)
    return [everything] + [np.arange(5) != i for i in range(5)]


@contextlib.contextmanager
def trend_as_before() -> Iterator[None]:
    from outcomes import stats

    # Test P (and its logit slope) is gone (METHODS §3.6): only test W's steps are swapped.
    with (patched(stats, "_weighted_slope", numpy_weighted_slope),
          patched(stats, "_fits", polyfit_fits)):
        yield


def core(frames: dict) -> dict:
    """The frames metric_summaries takes (summary_table's other two are its own)."""
    return {name: frame for name, frame in frames.items() if name not in ("local", "reference")}


def summaries_with_trends(frames: dict, *, before: bool) -> tuple[float, float, list]:
    """metric_summaries once, with the trend step as it was (before) or as it is: its
    seconds, the seconds spent in recent_trend, and every Trend, in order."""
    from outcomes import aggregates
    from outcomes.aggregates import comparisons  # where the summaries call recent_trend

    real, trends, spent = comparisons.recent_trend, [], [0.0]

    def timed(*args, **kwargs):
        began = time.perf_counter()
        trend = real(*args, **kwargs)
        spent[0] += time.perf_counter() - began
        trends.append(trend)
        return trend

    with (trend_as_before() if before else contextlib.nullcontext(),
          patched(comparisons, "recent_trend", timed)):
        began = time.perf_counter()
        aggregates.metric_summaries(**core(frames))
        return time.perf_counter() - began, spent[0], trends


def differences(before: list, after: list) -> dict[str, float]:
    """Between two runs' trends: the largest absolute and relative difference of the slopes,
    the largest relative difference of χ², and how many markers or labels differ."""
    assert len(before) == len(after)
    out = {"slope_abs": 0.0, "slope_rel": 0.0, "chi_rel": 0.0, "differing": 0}
    for a, b in zip(before, after, strict=True):
        out["differing"] += (a.marker, a.label) != (b.marker, b.label)
        if a.slope is None or b.slope is None:
            out["differing"] += (a.slope is None) != (b.slope is None)
            continue
        out["slope_abs"] = max(out["slope_abs"], abs(a.slope - b.slope))
        if a.slope != b.slope:
            out["slope_rel"] = max(out["slope_rel"],
                                   abs(a.slope - b.slope) / max(abs(a.slope), abs(b.slope)))
        if a.chi_square != b.chi_square:
            out["chi_rel"] = max(out["chi_rel"], abs(a.chi_square - b.chi_square)
                                 / max(abs(a.chi_square), abs(b.chi_square)))
    return out


# --- The data ------------------------------------------------------------------------------
def build_viewer(slug: str):
    """A viewer of partnership `slug`, and a small action plan so the dashboard draws its
    progress charts and lists what needs attention."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from actionplans import services as plans
    from outcomes.services import summaries_deferred
    from partnerships import services as partnerships
    from partnerships.models import Partnership

    partnership = Partnership.objects.get(slug=slug)
    users = get_user_model().objects
    lead = users.create_user(f"{slug}-lead", password="x")
    viewer = users.create_user(f"{slug}-viewer", password="x")
    partnerships.membership_create(partnership=partnership, user=lead, role="lead")
    partnerships.membership_create(partnership=partnership, user=viewer, role="viewer")
    statuses = ["not_started", "on_track", "at_risk", "off_track", "complete", "closed"]
    with summaries_deferred():
        plan = plans.action_plan_save(partnership=partnership, user=lead, title="Bench plan",
                                      first_year=date.today().year - 1)
        for p, priority in enumerate(("supply", "treatment", "demand")):
            for s, strand in enumerate(("prepare", "prevent", "protect", "pursue")):
                objective = plans.objective_create(plan=plan, user=lead, title=f"Objective {p}{s}",
                                                   priority=priority, strand=strand)
                action = plans.key_action_create(objective=objective, user=lead,
                                                 title=f"Action {p}{s}", lead=lead)
                for n in range(3):
                    plans.milestone_create(
                        key_action=action, user=lead, title=f"Milestone {p}{s}{n}",
                        due_date=date(date.today().year - 1 + n, 6, 30),
                        status=statuses[(p + s + n) % 6])
    return partnership, viewer


def counts() -> dict[str, int]:
    from outcomes.models import MetricSummary, Observation, ReferenceFigure
    from outcomes.services import headline_rows
    from partnerships.models import Partnership

    return {"partnerships": Partnership.objects.count(),
            "observations": Observation.objects.count(),
            "headline": headline_rows(Observation.objects.all()).count(),
            "benchmarks": ReferenceFigure.objects.count(),
            "published_headline": headline_rows(ReferenceFigure.objects.all()).count(),
            "summaries": MetricSummary.objects.count()}


# --- The measurements ----------------------------------------------------------------------
def floor() -> None:
    """What reading the figures costs at least: the same rows as the recompute reads (the
    all-persons published figures of the partnerships' areas and their own observations,
    every area's published all-ages figures, England's and the regions'), read the same way
    into pandas, without choosing between published and own, and one groupby."""
    from outcomes.services import OBSERVATION_COLUMNS, headline_rows, summary_reads

    ctes, params = summary_reads._figure_ctes(None)
    columns = ", ".join(("partnership_id", *OBSERVATION_COLUMNS))
    frame = summary_reads._sql_frame(
        f"{ctes} SELECT {columns} FROM published UNION ALL SELECT {columns} FROM own",
        params, ("partnership_id", *OBSERVATION_COLUMNS))
    summary_reads._frame(summary_reads._reference_peers(frame),
                         summary_reads.REFERENCE_COLUMNS)
    summary_reads._frame(headline_rows(summary_reads._comparators()), OBSERVATION_COLUMNS)
    frame.groupby(["partnership_id", "metric_id", "area_code"])["value"].last()


def write(rows: list[dict]) -> None:
    """The writing step of summaries_recompute, for every partnership."""
    from django.utils import timezone

    from outcomes.services import _replace_summaries
    from partnerships.models import Partnership

    read_at = timezone.now()
    by_partnership: dict[int, list[dict]] = {
        pk: [] for pk in Partnership.objects.values_list("pk", flat=True)}
    for row in rows:
        by_partnership.setdefault(row["partnership_id"], []).append(row)
    _replace_summaries(by_partnership, read_at)


def pages(partnership, viewer, size: int) -> list[list[object]]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from outcomes.models import MetricSummary

    client = Client()
    client.force_login(viewer)
    metric_id = (MetricSummary.objects.filter(partnership=partnership)
                 .order_by("metric__order").values_list("metric_id", flat=True).first())
    base = f"/partnerships/{partnership.slug}/"
    rows = []
    for name, url in (("dashboard page", base), ("metric page", f"{base}metrics/{metric_id}/")):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        reset_queries()  # the log is capped: a full one would count nothing
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timing = summarise(time_calls(lambda u=url: client.get(u), PAGE_REPEAT,
                                      warmup=PAGE_WARMUP))
        rows.append([f"{name}, {size} partnerships", f"{timing['median_ms']:.1f} ms p50",
                     f"{timing['p95_ms']:.1f} ms p95",
                     f"{len(queries)} queries, {len(response.content) // 1024} KB"])
    return rows


def public_page(partnership, size: int) -> list[list[object]]:
    """The public page (/p/<slug>/) signed out, with every section shown: warm (its version
    query and a cache read, as most visits) and cold (the cache emptied before each visit)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cdp.public.services import public_page_save

    publisher = get_user_model().objects.create_superuser("bench.publisher", password=None)
    public_page_save(partnership=partnership, user=publisher, published=True,
                     show_members=True, show_plan=True, show_documents=True, show_metrics=True)
    url, client, rows = f"/p/{partnership.slug}/", Client(), []
    for name, before in (("warm", lambda: None), ("cold", cache.clear)):
        before()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        before()
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timing = summarise(time_calls(lambda b=before: (b(), client.get(url)), PAGE_REPEAT,
                                      warmup=PAGE_WARMUP))
        rows.append([f"public page, {name}, {size} partnerships",
                     f"{timing['median_ms']:.1f} ms p50", f"{timing['p95_ms']:.1f} ms p95",
                     f"{len(queries)} queries, {len(response.content) // 1024} KB"])
    return rows


def weight() -> tuple[list[list[object]], int, int]:
    rows, raw_total, gzip_total = [], 0, 0
    for name in ASSETS:
        data = (ROOT / "static" / name).read_bytes()
        packed = len(gzip.compress(data, compresslevel=6))
        raw_total += len(data)
        gzip_total += packed
        rows.append([f"asset {name}", f"{len(data) / 1024:.1f} KB", f"{packed / 1024:.1f} KB gz",
                     ""])
    rows.append(["assets, total", f"{raw_total / 1024:.1f} KB", f"{gzip_total / 1024:.1f} KB gz",
                 f"{raw_total / 1e6:.2f} MB"])
    return rows, raw_total, gzip_total


def met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    setup_django()
    import logging
    import os

    from django.contrib.auth import get_user_model

    from outcomes import aggregates, services
    from outcomes.models import MetricSummary, Observation
    from outcomes.services import summaries
    from outcomes.synthetic import generate

    logging.getLogger("outcomes.services").setLevel(logging.WARNING)  # a line per recompute
    rows: list[list[object]] = []
    with benchmark_database("bench_summaries"):
        # generate() creates a loader user when there is no superuser, and a second call
        # would create it again: give it a superuser to use.
        get_user_model().objects.create_superuser("bench.admin", password=None, is_active=False)
        # The smaller size: pages only.
        started = time.perf_counter()
        generate(partnerships=PARTNERSHIPS[0], years=YEARS)
        generated = [time.perf_counter() - started]
        partnership, viewer = build_viewer("synthetic-001")
        services.summaries_recompute(partnership_ids=None)
        small = counts()
        page_rows = pages(partnership, viewer, PARTNERSHIPS[0])

        # The national size.
        started = time.perf_counter()
        generate(partnerships=PARTNERSHIPS[1], years=YEARS)
        generated.append(time.perf_counter() - started)
        services.summaries_recompute(partnership_ids=None)  # also warms up
        large = counts()
        page_rows += pages(partnership, viewer, PARTNERSHIPS[1])
        public_rows = public_page(partnership, PARTNERSHIPS[1])

        floor_s = seconds(floor, RECOMPUTE_REPEAT, warmup=1)
        full_s = seconds(lambda: services.summaries_recompute(partnership_ids=None),
                         RECOMPUTE_REPEAT)

        def everything_changed():
            # As if every figure had changed: no stored row matches, all are rewritten.
            MetricSummary.objects.update(fingerprint="")
            began = time.perf_counter()
            services.summaries_recompute(partnership_ids=None)
            return time.perf_counter() - began

        rewrite_s = statistics.median(everything_changed() for _ in range(RECOMPUTE_REPEAT))

        # Its parts, called as summaries_recompute calls them.
        frames = services.summary_frames(partnership_ids=None)
        ranged = summaries.summary_table(frames)
        summary_rows = aggregates.records(ranged)
        read_s = seconds(lambda: services.summary_frames(partnership_ids=None),
                         RECOMPUTE_REPEAT)
        summaries_s = seconds(lambda: aggregates.metric_summaries(**core(frames)),
                              RECOMPUTE_REPEAT)
        table_s = seconds(lambda: summaries.summary_table(frames), RECOMPUTE_REPEAT)
        ranges_s = table_s - summaries_s
        records_s = seconds(lambda: aggregates.records(ranged), RECOMPUTE_REPEAT)
        write_s = seconds(lambda: write(summary_rows), RECOMPUTE_REPEAT)

        # The trend step before and after: metric_summaries with np.polyfit and as it is
        # now, on the same frames, taking turns; every Trend compared.
        runs: dict[bool, list] = {True: [], False: []}
        for _ in range(TREND_REPEAT):
            for before in (True, False):
                runs[before].append(summaries_with_trends(frames, before=before))
        trend_s = {before: (statistics.median(r[0] for r in runs[before]),
                            statistics.median(r[1] for r in runs[before])) for before in runs}
        trend_count = len(runs[False][-1][2])
        compared = differences(runs[True][-1][2], runs[False][-1][2])

        # One partnership after an edit: its own rows, the others' as peers.
        edited = Observation.objects.filter(partnership=partnership).order_by("-period_end",
                                                                              "pk")[:1].get()
        one_timings = []
        for n in range(ONE_REPEAT + 2):
            Observation.objects.filter(pk=edited.pk).update(value=edited.value + n + 1)
            began = time.perf_counter()
            services.summaries_recompute(partnership_ids=[partnership.pk])
            if n >= 2:  # two warm-up runs
                one_timings.append(time.perf_counter() - began)
        one_s = statistics.median(one_timings)

    weight_rows, raw_total, gzip_total = weight()
    page_p95 = max(float(r[2].split()[0]) for r in page_rows)
    of3 = f"median of {RECOMPUTE_REPEAT}"
    rows += [
        ["floor: observations into pandas + groupby", f"{floor_s:.2f} s", of3, ""],
        ["full recompute (all partnerships)", f"{full_s:.2f} s", of3,
         f"{full_s / floor_s:.1f}x floor"],
        ["full recompute, every row rewritten", f"{rewrite_s:.2f} s", of3,
         f"{rewrite_s / floor_s:.1f}x floor"],
        ["  reading frames (summary_frames)", f"{read_s:.2f} s", of3, ""],
        ["  aggregates.metric_summaries", f"{summaries_s:.2f} s", of3, ""],
        ["  reference ranks, spine ranges, own values", f"{ranges_s:.2f} s", of3,
         "summary_table less metric_summaries"],
        ["  aggregates.records", f"{records_s:.2f} s", of3, ""],
        ["  writing (_replace_summaries)", f"{write_s:.2f} s", of3, ""],
        ["metric_summaries, trend by np.polyfit (before)", f"{trend_s[True][0]:.2f} s",
         f"median of {TREND_REPEAT}", f"of which recent_trend {trend_s[True][1]:.2f} s"],
        ["metric_summaries, trend in closed form (after)", f"{trend_s[False][0]:.2f} s",
         f"median of {TREND_REPEAT}", f"of which recent_trend {trend_s[False][1]:.2f} s"],
        ["one partnership after an edit", f"{one_s * 1000:.0f} ms", f"median of {ONE_REPEAT}",
         ""],
        *page_rows,
        *public_rows,
        *weight_rows,
    ]
    notes = "\n".join([
        f"Data: generate(partnerships=150, years={YEARS}) — {large['benchmarks']:,} "
        f"published figures (by sex and age; {large['published_headline']:,} all-persons) "
        f"and {large['observations']:,} partnerships' own observations "
        f"({large['headline']:,} all-persons), "
        f"{large['summaries']:,} summary rows ({small['observations']:,} observations and "
        f"{small['summaries']:,} summaries at {PARTNERSHIPS[0]} partnerships); generated in "
        f"{generated[0]:.0f} s + {generated[1]:.0f} s.",
        f"Trend before/after: {trend_count:,} trends (recent_trend "
        f"{trend_s[True][1] / trend_s[False][1]:.1f}x faster, metric_summaries "
        f"{trend_s[True][0] / trend_s[False][0]:.1f}x); slopes differ by at most "
        f"{compared['slope_abs']:.1e} (relative {compared['slope_rel']:.1e}), chi-square by "
        f"{compared['chi_rel']:.1e} relative; {compared['differing']} markers or labels differ.",
        "Targets:",
        f"- full recompute under {FULL_SECONDS} s: {full_s:.2f} s, {met(full_s < FULL_SECONDS)}",
        f"- full recompute at most {FULL_OVER_FLOOR}x the floor: {full_s / floor_s:.1f}x, "
        f"{met(full_s <= FULL_OVER_FLOOR * floor_s)} (figures unchanged, as most nights); "
        f"with every row rewritten {rewrite_s / floor_s:.1f}x, "
        f"{met(rewrite_s <= FULL_OVER_FLOOR * floor_s)}",
        f"- one partnership under {ONE_SECONDS} s: {one_s:.3f} s, {met(one_s < ONE_SECONDS)}",
        f"- page p95 under {PAGE_P95_MS} ms: worst {page_p95:.1f} ms, "
        f"{met(page_p95 < PAGE_P95_MS)}",
        f"- dashboard assets under {ASSETS_BYTES / 1e6:.1f} MB uncompressed: "
        f"{raw_total / 1e6:.2f} MB ({gzip_total / 1e6:.2f} MB gzip -6), "
        f"{met(raw_total < ASSETS_BYTES)}",
        f"Writing unchanged figures (the summaries and the plan progress writer's rows) is "
        f"{write_s / full_s:.0%} of the full recompute.",
        f"Pages: in-process Django test client signed in as a viewer, {PAGE_REPEAT} requests "
        f"after {PAGE_WARMUP} warm-up; excludes network and static files. Load average at the "
        f"end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.",
    ])
    report("summaries", ["measure", "time / size", "of", "notes"], rows, notes=notes)


if __name__ == "__main__":
    main()

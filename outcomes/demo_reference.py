"""Illustrative national reference data for the demo: every National Combating Drugs
Outcomes Framework metric for England, its 9 regions and its 153 counties and unitary
authorities (fixtures/geography.json), over ten years. Pure: plain data in, rows out.

The figures are invented, and every row says so: value note "Illustrative", source
"Illustrative (demo)". They are made to behave like published ones, so that the dashboards
have something true to the method to compare:

- each area has a population and a deprivation-like index (its region's typical level plus
  its own); each metric has a level for England, a yearly trend, regional effects and a
  deprivation gradient, with area effects and noise on top;
- proportions are drawn as counts out of a denominator (binomial), rates as counts of events
  in a population (Poisson), so that the confidence intervals are the real ones for those
  counts: Wilson for proportions (METHODS §1.1), exact Poisson below 10 events and Byar's at
  10 or more for rates and counts (§1.2, `outcomes.stats.count_ci`);
- three-year rolling periods sum three single years, as Fingertips' do;
- England and every region are the aggregate of their areas (sum of counts over sum of
  denominators), so that an area compared with England is compared with the areas it is
  one of.

Directly standardised rates are drawn as crude rates of an age-standardised population:
their intervals use Byar's limits of the count, as a DSR's do (§1.4), without the age bands.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .periods import Period, parse_period
from .provenance import ILLUSTRATIVE_NOTE, ILLUSTRATIVE_SOURCE

ENGLAND = ("E92000001", "England")
UTLA_AREA_TYPE = "Counties & UAs (from Apr 2023)"
LAST_YEAR = 2024  # the latest illustrative period starts in 2024 (2024, 2024/25, 2022 - 24)
YEARS = 10
SEED = 91380
PER = {"percentage": 100, "rate_per_1000": 1_000, "rate_per_10000": 10_000,
       "rate_per_100000": 100_000, "count": 1}

# Regions' typical deprivation-like index (standard deviations; higher is more deprived),
# roughly as the English Indices of Deprivation rank them. Illustrative.
REGION_DEPRIVATION = {"E12000001": 0.7, "E12000002": 0.5, "E12000003": 0.45,
                      "E12000004": 0.0, "E12000005": 0.35, "E12000006": -0.45,
                      "E12000007": 0.15, "E12000008": -0.6, "E12000009": -0.3}
# The demo partnerships' places, placed where the Indices of Deprivation put them.
AREA_DEPRIVATION = {"E08000016": 0.9, "E08000017": 1.1, "E08000018": 1.0, "E08000019": 0.6,
                    "E06000014": -0.8, "E06000005": 0.4, "E10000003": -0.9, "E06000031": 0.6}
# Populations where a lognormal draw would be far off: Isles of Scilly, City of London,
# Rutland; and the demo partnerships' places (ONS mid-year estimates, rounded).
POPULATIONS = {"E06000053": 2_300, "E09000001": 8_600, "E06000017": 41_000,
               "E08000016": 248_000, "E08000017": 311_000, "E08000018": 267_000,
               "E08000019": 557_000, "E06000014": 203_000, "E06000005": 108_000,
               "E10000003": 682_000, "E06000031": 216_000}


@dataclass(frozen=True)
class Shape:
    """How a metric's illustrative figures behave.

    level: England's figure in the latest period, in the metric's unit (for a count, England's
    total). trend: relative change per year. deprivation: the effect of one standard
    deviation of deprivation (relative, or on the log-odds for a proportion). spread: the
    standard deviation of area and region effects. share: the denominator per head of
    population for one period (a proportion's cohort, a rate's population at risk)."""

    level: float
    trend: float
    deprivation: float
    spread: float
    share: float = 1.0


SHAPES = {
    "drug_use_last_year": Shape(9.2, 0.0, 0.08, 0.12, 0.0008),
    "ocu_prevalence": Shape(8.9, -0.01, 0.45, 0.25, 0.63),
    "homelessness_drug_need": Shape(5.5, 0.02, 0.15, 0.25, 0.009),
    "children_social_care_drugs": Shape(80.0, 0.01, 0.35, 0.25, 0.21),
    "school_exclusions_drugs": Shape(4.5, 0.04, 0.1, 0.25, 0.014),
    "pupils_ok_to_take_drugs": Shape(12.0, 0.02, 0.05, 0.1, 0.0006),
    "neighbourhood_crime": Shape(300_000, -0.03, 0.3, 0.2),
    "drug_related_homicides": Shape(250, 0.0, 0.4, 0.3),
    "proven_reoffending": Shape(25.5, -0.005, 0.1, 0.1, 0.0016),
    "drug_offences": Shape(45_000, 0.02, 0.2, 0.25),
    "sharp_object_assault_admissions": Shape(4_000, -0.02, 0.5, 0.3),
    "drug_misuse_deaths": Shape(5.5, 0.04, 0.45, 0.25),
    "drug_poisoning_admissions": Shape(28.0, -0.02, 0.4, 0.25),
    "hepatitis_c_pwid": Shape(27.0, -0.05, 0.05, 0.15, 0.00008),
    "deaths_in_treatment": Shape(1.3, 0.02, 0.1, 0.15, 0.0055),
    "county_lines_closed": Shape(1_000, 0.03, 0.3, 0.3),
    "ocg_disruptions": Shape(1_600, 0.03, 0.2, 0.3),
    "drug_seizures": Shape(220_000, -0.02, 0.2, 0.25),
    "nrm_county_lines": Shape(16.0, 0.02, 0.1, 0.2, 0.00007),
    "continuity_of_care": Shape(45.0, 0.05, -0.05, 0.3, 0.00014),
    "numbers_in_treatment": Shape(290_000, 0.03, 0.45, 0.2),
    "prison_treatment_numbers": Shape(50_000, 0.01, 0.3, 0.3),
    "drug_treatment_requirements": Shape(2_500, 0.04, 0.2, 0.3),
    "prison_treatment_starts": Shape(60.0, 0.02, 0.0, 0.25, 0.0003),
    "ocu_unmet_need": Shape(53.0, -0.01, -0.05, 0.2, 0.006),
    "substantial_progress": Shape(47.0, 0.01, -0.05, 0.15, 0.005),
    "no_housing_problem": Shape(75.0, 0.0, -0.05, 0.15, 0.005),
    "work_or_training": Shape(22.0, 0.02, -0.1, 0.15, 0.005),
    "mental_health_treated": Shape(70.0, 0.03, 0.0, 0.2, 0.0035),
    "parental_interventions": Shape(20.0, 0.04, 0.0, 0.25, 0.0012),
    "successful_completion_opiate": Shape(5.0, -0.02, -0.15, 0.2, 0.0025),
    "successful_completion_non_opiate": Shape(31.0, -0.01, -0.1, 0.15, 0.0008),
}

COLUMNS = ["metric_id", "area_code", "area_name", "period_label", "period_start", "period_end",
           "period_year_type", "period_sortable", "sex", "age", "category_type", "category",
           "value", "count", "denominator", "lower_ci", "upper_ci", "lower_ci_998",
           "upper_ci_998", "value_note", "source", "area_type", "parent_code", "batch_id"]


@dataclass(frozen=True)
class MetricSpec:
    """What the generator needs of a metric (no ORM)."""

    pk: int
    code: str
    unit: str
    value_type: str
    frequency: str
    year_type: str


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    region: str


def _fy(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def period_labels(frequency: str, year_type: str) -> list[tuple[str, float]]:
    """The metric's periods over the ten years, oldest first, each with its time in years
    (0 for the first year) for the trend; quarters of a financial year as Q1 to Q4."""
    first = LAST_YEAR - YEARS + 1
    years = range(first, LAST_YEAR + 1)
    if frequency in ("quarterly", "monthly"):
        return [(f"{_fy(y)} Q{q}", y - first + (q - 1) / 4) for y in years for q in range(1, 5)]
    if frequency == "rolling_3y":
        return [(f"{y - 2} - {y % 100:02d}", y - first) for y in years]
    step = {"biennial": 2, "ad_hoc": 3}.get(frequency, 1)
    chosen = [y for y in years if (LAST_YEAR - y) % step == 0]
    if year_type == "calendar":
        return [(str(y), y - first) for y in chosen]
    return [(_fy(y), y - first) for y in chosen]


def areas_from(geography: dict) -> list[Area]:
    return [Area(a["code"], a["name"], a["region"]) for a in geography["local_authorities"]]


def _populations(rng, areas: list[Area]):
    import numpy as np  # here, not at module level: web processes never load NumPy

    drawn = np.clip(rng.lognormal(math.log(320_000), 0.55, len(areas)), 60_000, 1_600_000)
    return np.array([POPULATIONS.get(a.code, round(p)) for a, p in zip(areas, drawn,
                                                                        strict=True)])


def _deprivation(rng, areas: list[Area]):
    import numpy as np  # here, not at module level: web processes never load NumPy

    own = rng.normal(0, 0.75, len(areas))
    return np.array([AREA_DEPRIVATION.get(a.code, REGION_DEPRIVATION[a.region] + d)
                     for a, d in zip(areas, own, strict=True)])


def _expected(shape: Shape, spec: MetricSpec, times, deprivation, region_effect, rng):
    """Each area's expected figure in each period (areas × periods): a proportion (0-1) or a
    rate per head, or, for a count, a count per head of population."""
    import numpy as np  # here, not at module level: web processes never load NumPy

    n_areas = len(deprivation)
    area_effect = rng.normal(0, shape.spread, n_areas) + region_effect
    area_trend = rng.normal(0, 0.01, n_areas)
    years = np.asarray(times)[None, :] - (YEARS - 1)  # 0 in the latest year
    effect = (shape.deprivation * deprivation + area_effect)[:, None]
    drift = (shape.trend + area_trend)[:, None] * years
    noise = rng.normal(0, 0.03, (n_areas, len(times)))
    if spec.value_type == "proportion":
        p = shape.level / 100
        return 1 / (1 + np.exp(-(math.log(p / (1 - p)) + effect + drift * 1.5 + noise)))
    return np.exp(effect + drift + noise)


def _draw(shape: Shape, spec: MetricSpec, expected, populations, rng, periods_per_year: int):
    """Counts and denominators (areas × periods) drawn from the expected figures."""
    import numpy as np  # here, not at module level: web processes never load NumPy

    if spec.value_type == "proportion":
        denominators = np.maximum(np.rint(populations * shape.share), 5)[:, None]
        denominators = np.repeat(denominators, expected.shape[1], axis=1)
        return rng.binomial(denominators.astype(int), expected).astype(float), denominators
    per = PER.get(spec.unit, 100_000)
    if spec.value_type == "count":
        # England's total shared by population, in each period of the year.
        weights = populations / populations.sum() / expected.mean()
        means = shape.level / periods_per_year * weights[:, None] * expected
        return rng.poisson(means).astype(float), None
    at_risk = (populations * shape.share)[:, None]
    means = shape.level / per * at_risk * expected
    counts = rng.poisson(means).astype(float)
    return counts, np.repeat(at_risk, expected.shape[1], axis=1)


def _rolling(counts, denominators):
    """Three-year sums of single years (the first two years are only used up)."""
    if denominators is None:
        return counts[:, 2:] + counts[:, 1:-1] + counts[:, :-2], None
    return (counts[:, 2:] + counts[:, 1:-1] + counts[:, :-2],
            denominators[:, 2:] + denominators[:, 1:-1] + denominators[:, :-2])


@lru_cache(maxsize=100_000)
def _count_limits(count: int, level: float) -> tuple[float, float]:
    """§1.2 limits of a count, once for each count (the same counts come back often)."""
    from .stats import count_ci  # SciPy: loaded by the demo's load, never by a web process

    return count_ci(count, level=level)


def wilson(x, n, z: float):
    """§1.1 Wilson score limits of x/n for arrays, exactly as `outcomes.stats.wilson_ci`
    computes them one at a time (tests check the two agree)."""
    import numpy as np  # here, not at module level: web processes never load NumPy

    root = z * np.sqrt(z * z + 4 * x * (1 - x / n))
    return (2 * x + z * z - root) / (2 * (n + z * z)), (2 * x + z * z + root) / (2 * (n + z * z))


def figures(spec: MetricSpec, counts, denominators) -> dict:
    """Value and 95% and 99.8% limits (areas × periods, or a vector) from counts and
    denominators, in the metric's unit."""
    import numpy as np  # here, not at module level: web processes never load NumPy

    from .stats import Z95, Z998

    per = PER.get(spec.unit, 1)
    if spec.value_type == "proportion":
        out = {"value": counts / denominators * per}
        for suffix, z in (("", Z95), ("_998", Z998)):
            lower, upper = wilson(counts, denominators, z)
            out[f"lower{suffix}"], out[f"upper{suffix}"] = lower * per, upper * per
        return out
    scale = 1.0 if denominators is None else per / denominators
    out = {"value": counts * scale}
    for suffix, level in (("", 0.95), ("_998", 0.998)):
        limits = np.vectorize(lambda c, lv=level: _count_limits(int(c), lv), otypes=[float, float])
        lower, upper = limits(counts)
        out[f"lower{suffix}"], out[f"upper{suffix}"] = lower * scale, upper * scale
    return out


def _series(spec: MetricSpec, areas: list[Area], populations, deprivation, region_effects, rng):
    """Counts and denominators (areas × periods) for the metric's periods."""
    import numpy as np  # here, not at module level: web processes never load NumPy

    shape = SHAPES[spec.code]
    labels = period_labels(spec.frequency, spec.year_type)
    rolling = spec.frequency == "rolling_3y"
    times = [t for _, t in labels]
    if rolling:  # two more single years before the first three-year period
        times = [times[0] - 2, times[0] - 1, *times]
    region_effect = np.array([region_effects[a.region] for a in areas])
    per_year = 4 if spec.frequency in ("quarterly", "monthly") else 1
    expected = _expected(shape, spec, times, deprivation, region_effect * shape.spread, rng)
    counts, denominators = _draw(shape, spec, expected, populations, rng, per_year)
    if rolling:
        counts, denominators = _rolling(counts, denominators)
    return labels, counts, denominators


def _aggregate(groups: dict[str, list[int]], counts, denominators):
    """Sums of the areas' counts and denominators for each group (regions, England)."""
    import numpy as np  # here, not at module level: web processes never load NumPy

    codes = list(groups)
    summed = np.array([counts[groups[c]].sum(axis=0) for c in codes])
    if denominators is None:
        return codes, summed, None
    return codes, summed, np.array([denominators[groups[c]].sum(axis=0) for c in codes])


def _rows_of(spec: MetricSpec, places: list[tuple[str, str, str, str]], periods: list[Period],
             counts, denominators, batch_id) -> Iterator[list]:
    import numpy as np  # here, not at module level: web processes never load NumPy

    figures_ = figures(spec, counts, denominators)
    columns = [np.round(figures_[name], 6).tolist()
               for name in ("value", "lower", "upper", "lower_998", "upper_998")]
    counts = counts.tolist()
    denominators = None if denominators is None else denominators.tolist()
    for i, (code, name, area_type, parent) in enumerate(places):
        for j, period in enumerate(periods):
            yield [spec.pk, code, name, period.label, period.start, period.end,
                   period.year_type, period.sortable, "Persons", "All ages", "", "",
                   columns[0][i][j], counts[i][j],
                   None if denominators is None else denominators[i][j],
                   columns[1][i][j], columns[2][i][j], columns[3][i][j], columns[4][i][j],
                   ILLUSTRATIVE_NOTE, ILLUSTRATIVE_SOURCE, area_type, parent, batch_id]


def illustrative_rows(specs: list[MetricSpec], geography: dict, *, batch_id: int | None = None,
                      seed: int = SEED) -> Iterator[list]:
    """Rows of `COLUMNS` for every metric in `specs` with a shape: each area, each region
    and England, in each of the metric's periods. The same seed gives the same rows."""
    import numpy as np  # here, not at module level: web processes never load NumPy

    rng = np.random.default_rng(seed)
    areas = areas_from(geography)
    populations = _populations(rng, areas)
    deprivation = _deprivation(rng, areas)
    regions = {r["code"]: r["name"] for r in geography["regions"]}
    groups = {code: [i for i, a in enumerate(areas) if a.region == code] for code in regions}
    groups[ENGLAND[0]] = list(range(len(areas)))
    places = [(a.code, a.name, UTLA_AREA_TYPE, a.region) for a in areas]
    places += [(code, name, "Region", ENGLAND[0]) for code, name in regions.items()]
    places.append((*ENGLAND, "England", ""))
    for spec in specs:
        if spec.code not in SHAPES:
            continue
        region_effects = dict(zip(regions, rng.normal(0, 0.6, len(regions)), strict=True))
        labels, counts, denominators = _series(spec, areas, populations, deprivation,
                                               region_effects, rng)
        _, group_counts, group_denominators = _aggregate(groups, counts, denominators)
        all_counts = np.vstack([counts, group_counts])
        all_denominators = (None if denominators is None
                            else np.vstack([denominators, group_denominators]))
        periods = [parse_period(label) for label, _ in labels]
        yield from _rows_of(spec, places, periods, all_counts, all_denominators, batch_id)

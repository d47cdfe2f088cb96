"""Statistics for the dashboards, as Fingertips computes them. Pure functions: no ORM, no
request. Each section follows the section of ../shared/METHODS.md it names, and the tests
check them against its worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from scipy.stats import chi2, norm

# §0. z for the two levels, computed rather than rounded; the trend threshold is χ²₁(0.998).
Z95 = float(norm.ppf(0.975))
Z998 = float(norm.ppf(0.999))
TREND_THRESHOLD = 9.54953570608324


def z_for(level: float) -> float:
    return float(norm.ppf(1 - (1 - level) / 2))


# --- §1 Confidence intervals ------------------------------------------------------------------
def wilson_ci(x: float, n: float, *, level: float = 0.95, multiplier: float = 100
              ) -> tuple[float, float, float]:
    """§1.1 value and Wilson score limits of a proportion x/n, times the multiplier."""
    if n <= 0 or not 0 <= x <= n:
        raise ValueError("a proportion needs 0 <= x <= n and n > 0")
    z = z_for(level)
    root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    lower = (2 * x + z * z - root) / (2 * (n + z * z))
    upper = (2 * x + z * z + root) / (2 * (n + z * z))
    return x / n * multiplier, lower * multiplier, upper * multiplier


def count_ci(observed: float, *, level: float = 0.95) -> tuple[float, float]:
    """§1.2 limits of a count: exact Poisson below 10, Byar's at 10 or more."""
    if observed < 0:
        raise ValueError("a count cannot be negative")
    if observed < 10:
        alpha = 1 - level
        lower = 0.0 if observed == 0 else float(chi2.ppf(alpha / 2, 2 * observed)) / 2
        upper = float(chi2.ppf(1 - alpha / 2, 2 * observed + 2)) / 2
        return lower, upper
    return byars_ci(observed, level=level)


def byars_ci(observed: float, *, level: float = 0.95) -> tuple[float, float]:
    z = z_for(level)
    o = observed
    lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3 if o > 0 else 0.0
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lower, upper


def crude_rate_ci(observed: float, population: float, *, level: float = 0.95,
                  per: float = 100_000) -> tuple[float, float, float]:
    """§1.3 a crude rate per `per` and its limits."""
    if population <= 0:
        raise ValueError("the population must be positive")
    lower, upper = count_ci(observed, level=level)
    return observed / population * per, lower / population * per, upper / population * per


def dsr_ci(events: Sequence[float], populations: Sequence[float], weights: Sequence[float],
           *, level: float = 0.95, per: float = 100_000) -> tuple[float, float, float] | None:
    """§1.4 a directly standardised rate (Dobson); None when fewer than 10 events in all."""
    x = np.asarray(events, dtype=float)
    n = np.asarray(populations, dtype=float)
    w = np.asarray(weights, dtype=float)
    total = float(x.sum())
    if total < 10:
        return None
    rate = float((w * x / n).sum() / w.sum())
    variance = float((w**2 * x / n**2).sum() / w.sum() ** 2)
    o_lower, o_upper = byars_ci(total, level=level)
    spread = math.sqrt(variance / total)
    return (rate * per, (rate + spread * (o_lower - total)) * per,
            (rate + spread * (o_upper - total)) * per)


# --- §2 Comparison with a benchmark -------------------------------------------------------------
HIGHER_IS_BETTER = "higher_better"
LOWER_IS_BETTER = "lower_better"
NO_JUDGEMENT = "no_judgement"


def compare_to_benchmark(
    *,
    value: float | None,
    benchmark: float | None,
    lower95: float | None,
    upper95: float | None,
    polarity: str,
    lower998: float | None = None,
    upper998: float | None = None,
    two_levels: bool = False,
) -> str:
    """§2.2–2.3 the benchmark value tested against the area's confidence intervals.

    One level gives Better / Similar / Worse (Lower / Similar / Higher without judgement);
    two levels give the five bands. Anything that cannot be compared is "Not compared".
    """
    if value is None or benchmark is None or lower95 is None or upper95 is None:
        return "Not compared"
    if polarity not in (HIGHER_IS_BETTER, LOWER_IS_BETTER, NO_JUDGEMENT):
        return "Not compared"
    if lower95 <= benchmark <= upper95:
        return "Similar"
    direction = "higher" if value > benchmark else "lower"
    strength = ""
    if two_levels:
        if lower998 is None or upper998 is None:
            return "Not compared"
        if lower998 <= benchmark <= lower95 or upper95 <= benchmark <= upper998:
            strength = "95"
        else:
            strength = "99.8"
    return _label(direction, strength, polarity)


def _label(direction: str, strength: str, polarity: str) -> str:
    if polarity == NO_JUDGEMENT:
        if strength == "99.8":
            return "Highest" if direction == "higher" else "Lowest"
        return "Higher" if direction == "higher" else "Lower"
    good = (direction == "higher") == (polarity == HIGHER_IS_BETTER)
    word = "Better" if good else "Worse"
    return f"{word} {strength}%" if strength else word


def compare_arrays(value: np.ndarray, benchmark: np.ndarray, lower95: np.ndarray,
                   upper95: np.ndarray, lower998: np.ndarray, upper998: np.ndarray,
                   polarity: np.ndarray, level: np.ndarray) -> np.ndarray:
    """`compare_to_benchmark` for arrays (NaN for missing): its rules, row by row. `level` is
    the metric's confidence level: "95" and "99.8" test that interval alone, "both" gives
    the five bands. Returns an object array of labels."""
    one_998, two = level == "99.8", level == "both"
    low = np.where(one_998, lower998, lower95)
    high = np.where(one_998, upper998, upper95)
    kind = np.select([polarity == HIGHER_IS_BETTER, polarity == LOWER_IS_BETTER,
                      polarity == NO_JUDGEMENT], [0, 1, 2], 3)
    with np.errstate(invalid="ignore"):
        missing = np.isnan(value) | np.isnan(benchmark) | np.isnan(low) | np.isnan(high)
        similar = (low <= benchmark) & (benchmark <= high)
        higher = value > benchmark
        at_95 = (((lower998 <= benchmark) & (benchmark <= lower95))
                 | ((upper95 <= benchmark) & (benchmark <= upper998)))
    strength = np.where(two, np.where(at_95, 1, 2), 0)
    # Index into _LABELS: polarity × direction × strength, then Similar and Not compared.
    index = np.minimum(kind, 2) * 6 + higher * 3 + strength
    index = np.where(similar, 18, index)
    two_missing = two & (np.isnan(lower998) | np.isnan(upper998))
    index = np.where(missing | (kind == 3) | (two_missing & ~similar), 19, index)
    return _LABELS[index]


def _labels() -> np.ndarray:
    """Every label `_label` gives, in the order `compare_arrays` indexes them."""
    found = [_label(direction, strength, polarity)
             for polarity in (HIGHER_IS_BETTER, LOWER_IS_BETTER, NO_JUDGEMENT)
             for direction in ("lower", "higher") for strength in ("", "95", "99.8")]
    return np.array([*found, "Similar", "Not compared"], dtype=object)


_LABELS = _labels()


# --- §3 Recent trend ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TrendPoint:
    value: float | None
    lower95: float | None = None
    upper95: float | None = None
    count: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class Trend:
    marker: str  # "Increasing", "Decreasing", "No significant change", "Cannot be calculated"
    label: str
    chi_square: float | None = None
    slope: float | None = None
    points_used: int = 0


CANNOT = "Cannot be calculated"
NO_CHANGE = "No significant change"


TREND_VALUE_TYPES = ("proportion", "crude_rate", "dsr")  # METHODS §3.6 (FT-next)


def recent_trend(points: Sequence[TrendPoint], *, polarity: str, value_type: str,
                 single_year_periods: bool = True) -> Trend:
    """§3 the trend over the five most recent points (`points` oldest first).

    Test W (weighted regression on the values and their 95% CIs) for every value type, as
    live Fingertips does (§3.6, settled). Eligible (§3.1, §3.6): a proportion, crude rate or
    directly standardised rate, in single-year periods, whose five most recent points run
    unbroken with a value, a count, a denominator above 0 and both 95% limits, and none has
    its count equal to its denominator. Otherwise "Cannot be calculated": no trend is
    invented (live says "No significant change" where the CIs are missing; we do not).
    """
    if not single_year_periods or value_type not in TREND_VALUE_TYPES:
        return Trend(CANNOT, CANNOT)
    run: list[TrendPoint] = []
    for point in reversed(points):  # newest first, stop at the first gap
        if not _usable(point):
            break
        run.append(point)
    if len(run) < 5:
        return Trend(CANNOT, CANNOT)
    recent = list(reversed(run[:5]))
    if any(p.count == p.denominator for p in recent):
        return Trend(CANNOT, CANNOT)
    t = np.arange(1, 6, dtype=float)
    y = np.array([p.value for p in recent], dtype=float)
    se = np.array([(p.upper95 - p.lower95) / 3.92 for p in recent], dtype=float)
    if np.any(se <= 0):
        return Trend(CANNOT, CANNOT)
    w = 1 / se**2
    slope, slope_se = _weighted_slope(y, w, t)
    chi_square = (slope / slope_se) ** 2
    slopes = [_weighted_slope(y[keep], w[keep], t[keep])[0] for keep in _fits()]
    signs = {s >= 0 for s in slopes}  # 0 counts as positive
    slope = slopes[0]
    if len(signs) == 1 and chi_square > TREND_THRESHOLD and slope != 0:
        marker = "Increasing" if slope > 0 else "Decreasing"
    else:
        marker = NO_CHANGE
    return Trend(marker, trend_label(marker, polarity), float(chi_square), float(slope), 5)


def _usable(point: TrendPoint) -> bool:
    """A value, a count, a denominator above 0 and both 95% limits (§3.6)."""
    return (point.value is not None and point.count is not None
            and point.denominator is not None and point.denominator > 0
            and point.lower95 is not None and point.upper95 is not None)


def _masks() -> tuple[np.ndarray, ...]:
    everything = np.ones(5, dtype=bool)
    masks = (everything, *(np.arange(5) != i for i in range(5)))
    for mask in masks:
        mask.setflags(write=False)
    return masks


_FITS = _masks()


def _fits() -> list[np.ndarray]:
    """All five points, then the five leave-one-out sets of four (§3.5). The masks are made
    once, read-only."""
    return list(_FITS)


# The fits below are on four or five points, six times per trend: in closed form on Python
# floats, where numpy's set-up for arrays this small would cost many times the arithmetic.
def _weighted_slope(y: np.ndarray, w: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """The weighted least-squares slope of y on t and its standard error. The sums are added
    in order, as numpy adds a handful of values."""
    s1 = s2 = s3 = s4 = s5 = 0.0
    for value, weight, time in zip(y.tolist(), w.tolist(), t.tolist(), strict=True):
        s1 += weight
        s2 += weight * value * time
        s3 += weight * time
        s4 += weight * value
        s5 += weight * time * time
    spread = s1 * s5 - s3 * s3
    if spread == 0:  # numpy's inf or NaN (and warning) rather than ZeroDivisionError
        spread = np.float64(spread)
    return float((s1 * s2 - s3 * s4) / spread), float(math.sqrt(s1 / spread))


def trend_markers(value: np.ndarray, lower95: np.ndarray, upper95: np.ndarray,
                  count: np.ndarray, denominator: np.ndarray, eligible: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`recent_trend` for many series at once: each argument but `eligible` is (m, 5), the
    five most recent points oldest first (NaN for missing); `eligible` (m,) says the series
    is of a trend value type in unbroken single years. Returns each series' marker (object
    array), χ² and slope (NaN where not tested), by the same rules and sums in the same
    order."""
    with np.errstate(invalid="ignore", divide="ignore"):
        usable = (~np.isnan(value) & ~np.isnan(count) & (denominator > 0)
                  & ~np.isnan(lower95) & ~np.isnan(upper95) & (count != denominator))
        se = (upper95 - lower95) / 3.92
        tested = eligible & usable.all(axis=1) & (se > 0).all(axis=1)
        y = np.where(tested[:, None], value, 0.0)
        w = np.where(tested[:, None], 1 / np.where(se > 0, se, 1.0) ** 2, 0.0)
        slopes, chi_square = [], None
        for keep in _fits():
            slope, slope_se = _weighted_slopes(y, np.where(keep, w, 0.0))
            slopes.append(slope)
            if chi_square is None:
                chi_square = (slope / slope_se) ** 2
        positive = np.array([s >= 0 for s in slopes])
        agree = positive.all(axis=0) | ~positive.any(axis=0)
        slope = slopes[0]
        significant = agree & (chi_square > TREND_THRESHOLD) & (slope != 0)
    markers = np.where(significant, np.where(slope > 0, "Increasing", "Decreasing"),
                       NO_CHANGE).astype(object)
    markers[~tested] = CANNOT
    return markers, np.where(tested, chi_square, np.nan), np.where(tested, slope, np.nan)


def _weighted_slopes(y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_weighted_slope` row by row; a left-out point has weight 0, which adds nothing."""
    s1 = s2 = s3 = s4 = s5 = np.zeros(len(y))
    for i in range(5):
        time, weight, v = float(i + 1), w[:, i], y[:, i]
        s1 = s1 + weight
        s2 = s2 + weight * v * time
        s3 = s3 + weight * time
        s4 = s4 + weight * v
        s5 = s5 + weight * time * time
    spread = s1 * s5 - s3 * s3
    return (s1 * s2 - s3 * s4) / spread, np.sqrt(s1 / spread)


def trend_label(marker: str, polarity: str) -> str:
    """§3.7 the words Fingertips uses."""
    if marker in (CANNOT, NO_CHANGE) or polarity not in (HIGHER_IS_BETTER, LOWER_IS_BETTER):
        return marker  # no judgement, or not applicable
    better = (marker == "Increasing") == (polarity == HIGHER_IS_BETTER)
    return f"{marker} and getting {'better' if better else 'worse'}"


# --- §5 Quintiles and rank ----------------------------------------------------------------------
QUINTILE_LABELS = ["Lowest quintile", "2nd lowest quintile", "Middle quintile",
                   "2nd highest quintile", "Highest quintile"]


def quintile_bounds(values: Sequence[float | None]) -> list[float] | None:
    """[min, P20, P40, P60, P80, max] (Excel PERCENTILE.INC), or None below five values."""
    valid = sorted(v for v in values if v is not None)
    if len(valid) < 5:
        return None
    points = np.percentile(valid, [0, 20, 40, 60, 80, 100], method="linear")
    return [round(float(p), 10) for p in points]


def quintile(value: float | None, bounds: list[float] | None, *, polarity: str) -> int:
    """1–5 (1 the best end when there is a judgement); 0 when it cannot be placed."""
    if value is None or bounds is None:
        return 0
    category = next((i for i in range(1, 6) if value <= bounds[i]), 5)
    return 6 - category if polarity == HIGHER_IS_BETTER else category


def ranks(values: Sequence[float | None], *, polarity: str) -> list[int | None]:
    """Rank 1 is best (highest when higher is better); ties share the first position."""
    valid = [v for v in values if v is not None]
    ordered = sorted(valid, reverse=polarity == HIGHER_IS_BETTER)
    first = {}
    for position, v in enumerate(ordered, start=1):
        first.setdefault(v, position)
    return [None if v is None else first[v] for v in values]


# --- §6 Disclosure control ----------------------------------------------------------------------
SUPPRESSED = "*"


def disclose_count(count: float | None) -> float | str | None:
    """A count shown outside its partnership: 1 to 4 are suppressed; 0 and 5+ are shown."""
    if count is None:
        return None
    return SUPPRESSED if 0 < count < 5 else count


def disclose_value(value: float | None, count: float | None) -> float | str | None:
    """A rate or percentage built on a suppressed count is suppressed with it."""
    if value is None:
        return None
    return SUPPRESSED if count is not None and 0 < count < 5 else value


class TargetStatus(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on track"
    OFF_TRACK = "off track"
    NO_DATA = "no data"


def target_trajectory(
    *, baseline_value: float, baseline_date: date, target_value: float, due_date: date, at: date
) -> float:
    """Where a linear path from the baseline to the target stands on a date (clamped)."""
    if due_date <= baseline_date:
        return target_value
    share = (at - baseline_date).days / (due_date - baseline_date).days
    share = min(max(share, 0.0), 1.0)
    return baseline_value + share * (target_value - baseline_value)


def target_status(
    *,
    target_value: float,
    due_date: date,
    latest_value: float | None,
    latest_date: date | None,
    baseline_value: float | None = None,
    baseline_date: date | None = None,
    higher_is_better: bool | None = None,
    today: date | None = None,
) -> TargetStatus:
    """Achieved, on track or off track against a linear trajectory; or no data.

    The direction comes from the baseline and target (a target above its baseline is to be
    reached from below), else from `higher_is_better`. Without a baseline there is no
    trajectory: a target not yet met before it is due is "no data" rather than a guess.

    METHODS.md §4 compares a value with a goal and says nothing of due dates. A trajectory
    says whether a figure is where it should be *on the figure's date*; once `today` is past
    the due date and no figure for the due period has come, whether the target was met is
    not known: "no data", never "on track" (nor "off track") from an old figure. A figure
    that already meets the target is "achieved" whenever it came.
    """
    if latest_value is None or latest_date is None:
        return TargetStatus.NO_DATA
    if baseline_value is not None and baseline_value != target_value:
        upward = target_value > baseline_value
    elif higher_is_better is not None:
        upward = higher_is_better
    else:
        upward = True

    def meets(value: float, mark: float) -> bool:
        return value >= mark if upward else value <= mark

    if meets(latest_value, target_value):
        return TargetStatus.ACHIEVED
    if latest_date >= due_date:
        return TargetStatus.OFF_TRACK
    if today is not None and today > due_date:
        return TargetStatus.NO_DATA  # due, with no figure for the due period
    if baseline_value is None or baseline_date is None:
        return TargetStatus.NO_DATA
    expected = target_trajectory(
        baseline_value=baseline_value, baseline_date=baseline_date,
        target_value=target_value, due_date=due_date, at=latest_date,
    )
    return TargetStatus.ON_TRACK if meets(latest_value, expected) else TargetStatus.OFF_TRACK

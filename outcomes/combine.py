"""A partnership of several areas as one: its areas' latest figures combined, with the
combined figure's confidence intervals and its comparison with England and the region.

Pure: plain values in, a `Combined` out; no ORM, no request. The statistics are those of
`outcomes.stats` (METHODS.md §1 and §2), loaded when a figure is combined, not at import.

Only figures made of a count (and a denominator) can be combined, by adding them up:
- a count: the areas' counts added; exact Poisson limits below 10, Byar's at 10 or more;
- a proportion: counts over denominators added; Wilson score limits;
- a crude rate: counts over populations added; the count's Poisson limits over the
  population.
A directly standardised rate, an indirectly standardised ratio or another statistic (a
mean, a ratio, a score) cannot be combined from the areas' published figures, and says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COMBINABLE = ("count", "proportion", "crude_rate")
NOT_COMPARED = "Not compared"

# Why a figure of each other value type cannot be combined (ValueType in outcomes/choices).
CANNOT_COMBINE = {
    "dsr": ("Directly standardised rates cannot be combined: each area's rate is "
            "standardised to its own age structure, and a combined rate needs the areas' "
            "counts and populations by age band."),
    "isr": ("Indirectly standardised ratios cannot be combined: each area's ratio compares "
            "it with the counts expected from its own age structure, and a combined ratio "
            "needs the areas' observed and expected counts by age band."),
    "other": ("These figures cannot be combined: a mean, ratio or score for the areas "
              "together needs the data they were calculated from."),
}


@dataclass(frozen=True)
class AreaFigure:
    """One area's latest figure, as its summary holds it."""

    name: str
    period_label: str | None
    value: float | None
    count: float | None = None
    denominator: float | None = None
    england: float | None = None
    region: float | None = None


@dataclass(frozen=True)
class Combined:
    """The areas' figure together, or the reason there is none (`reason`)."""

    areas: tuple[str, ...]
    reason: str = ""
    period_label: str = ""
    value: float | None = None
    lower95: float | None = None
    upper95: float | None = None
    lower998: float | None = None
    upper998: float | None = None
    count: float | None = None
    denominator: float | None = None
    method: str = ""  # how the intervals were made: "Wilson score", "exact Poisson", "Byar's"
    england: float | None = None
    region: float | None = None
    england_comparison: str = NOT_COMPARED
    region_comparison: str = NOT_COMPARED

    @property
    def combined(self) -> bool:
        return not self.reason


def combine(areas: Sequence[AreaFigure], *, value_type: str, multiplier: float,
            polarity: str, comparator_method: str = "ci", confidence_level: str = "95"
            ) -> Combined:
    """The areas' latest figures combined (METHODS.md §1), compared with England's and the
    region's values for the same period (§2), or the reason they cannot be."""
    names = tuple(a.name for a in areas)
    reason = _why_not(areas, value_type) or _inconsistent(value_type, multiplier)
    if reason:
        return Combined(areas=names, reason=reason)
    count = sum(_count(a, value_type) for a in areas)
    denominator = None if value_type == "count" else sum(a.denominator for a in areas)
    value, limits, method = _figure(count, denominator, value_type, multiplier)
    england = next((a.england for a in areas if a.england is not None), None)
    region = next((a.region for a in areas if a.region is not None), None)
    compare = {"value": value, "polarity": polarity, "limits": limits,
               "value_type": value_type, "comparator_method": comparator_method,
               "confidence_level": confidence_level}
    return Combined(
        areas=names, period_label=areas[0].period_label, value=value,
        lower95=limits["95"][0], upper95=limits["95"][1],
        lower998=limits["99.8"][0], upper998=limits["99.8"][1],
        count=count, denominator=denominator, method=method,
        england=england, region=region,
        england_comparison=compared(benchmark=england, **compare),
        region_comparison=compared(benchmark=region, **compare))


def _why_not(areas: Sequence[AreaFigure], value_type: str) -> str:
    """Why these areas' figures cannot be combined; empty when they can."""
    if value_type not in COMBINABLE:
        return CANNOT_COMBINE.get(value_type, CANNOT_COMBINE["other"])
    if len(areas) < 2:
        return "There is only one area: there is nothing to combine."
    missing = [a.name for a in areas if a.value is None or not a.period_label]
    if missing:
        return f"Cannot be combined: {_names(missing)} {_has(missing)} no figure."
    periods = {a.period_label for a in areas}
    if len(periods) > 1:
        latest = "; ".join(f"{a.name} {a.period_label}" for a in areas)
        return ("Cannot be combined: the areas' latest figures are for different periods "
                f"({latest}).")
    if value_type == "count":
        return ""
    without = [a.name for a in areas if a.count is None or not a.denominator]
    if without:
        return (f"Cannot be combined: {_names(without)} {_has(without)} no count and "
                "denominator to add up.")
    return ""


def _inconsistent(value_type: str, multiplier: float) -> str:
    """A metric recorded as a count whose figures are a percentage or a rate (its unit has a
    multiplier): adding its figures up would be wrong, so it says what to correct."""
    if value_type == "count" and multiplier != 1:
        return ("Cannot be combined: the metric's value type says its figures are counts, "
                "but its unit is a percentage or a rate. Its value type needs correcting.")
    return ""


def _count(area: AreaFigure, value_type: str) -> float:
    if value_type == "count" and area.count is None:
        return area.value
    return area.count


def _figure(count: float, denominator: float | None, value_type: str, multiplier: float
            ) -> tuple[float, dict[str, tuple[float, float]], str]:
    """The combined value, its limits at 95% and 99.8%, and the method that made them."""
    # Here, not at the top: stats loads SciPy, which a web process loads only when needed.
    from . import stats

    limits = {}
    for name, level in (("95", 0.95), ("99.8", 0.998)):
        if value_type == "proportion":
            value, lower, upper = stats.wilson_ci(count, denominator, level=level,
                                                  multiplier=multiplier)
        elif value_type == "crude_rate":
            value, lower, upper = stats.crude_rate_ci(count, denominator, level=level,
                                                      per=multiplier)
        else:
            value = count
            lower, upper = stats.count_ci(count, level=level)
        limits[name] = (lower, upper)
    if value_type == "proportion":
        method = "Wilson score"
    else:
        method = "exact Poisson" if count < 10 else "Byar's"
    return value, limits, method


def compared(*, value: float, benchmark: float | None, polarity: str,
             limits: dict[str, tuple[float, float]], value_type: str,
             comparator_method: str, confidence_level: str) -> str:
    """METHODS.md §2: the benchmark's value against the combined figure's interval at the
    metric's level (both levels give five bands). A count is not compared with England's
    total, nor a metric Fingertips leaves uncompared."""
    from . import stats

    if benchmark is None or value_type == "count" or comparator_method == "not_compared":
        return NOT_COMPARED
    if confidence_level == "both":
        (lower95, upper95), (lower998, upper998) = limits["95"], limits["99.8"]
        return stats.compare_to_benchmark(
            value=value, benchmark=benchmark, lower95=lower95, upper95=upper95,
            lower998=lower998, upper998=upper998, two_levels=True, polarity=polarity)
    lower, upper = limits["99.8" if confidence_level == "99.8" else "95"]
    return stats.compare_to_benchmark(value=value, benchmark=benchmark, lower95=lower,
                                      upper95=upper, polarity=polarity)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _has(names: list[str]) -> str:
    return "has" if len(names) == 1 else "have"

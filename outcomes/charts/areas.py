"""A partnership's areas side by side: one bar per area's latest figure, and one for the
areas combined where their figures can be (outcomes.combine), with England's value as a
line; the sentence says what the table beside it says. Pure: no ORM, no request."""

from __future__ import annotations

from .common import number
from .compare import compare_figure


def areas_figure(rows: list[dict], *, name: str, unit: str, england: float | None) -> dict:
    """The compare chart's horizontal bars, one per row in the table's order (the combined
    figure last, named so on its axis), with 95% confidence intervals and England's value.
    `rows`: label, value, lower_ci, upper_ci, england_comparison."""
    figure = compare_figure(rows, name=name, unit=unit, england=england)
    # A short title: the metric's name is the page's heading and in the sentence above, and
    # a long one, wrapped, would reach down to England's label above the plot.
    figure["layout"]["title"]["text"] = "Latest figure by area"
    return figure


def areas_sentence(rows: list[dict], *, name: str, unit: str, combined: dict | None,
                   reason: str = "") -> str:
    """E.g. "Deaths from drug misuse in the 4 areas: highest Sheffield (9.1 per 100,000,
    2019 - 21), lowest Barnsley (6.0 per 100,000, 2019 - 21); combined, 7.2 per 100,000
    (95% confidence interval 6.5 to 8.0), similar to England." `rows` are the areas' (not the
    combined figure's); `combined` is the combined row, or None with `reason` why."""
    shown = [r for r in rows if r.get("value") is not None]
    text = f"{name} in the {len(rows)} area{'' if len(rows) == 1 else 's'}: "
    if not shown:
        text += "no figures yet"
    elif len(shown) == 1:
        text += f"only {_figure(shown[0], unit)} has a figure"
    else:
        high = max(shown, key=lambda r: r["value"])
        low = min(shown, key=lambda r: r["value"])
        if high["value"] == low["value"]:
            text += f"all {len(shown)} with figures at {number(high['value'], unit)}"
        else:
            text += f"highest {_figure(high, unit)}, lowest {_figure(low, unit)}"
        if len(shown) < len(rows):
            text += f"; {len(rows) - len(shown)} with no figure"
    if combined is not None:
        text += (f"; combined, {number(combined['value'], unit)} in "
                 f"{combined['period_label']} (95% confidence interval "
                 f"{number(combined['lower_ci'], unit)} to "
                 f"{number(combined['upper_ci'], unit)}), "
                 f"{_lower_first(comparison_words(combined['england_comparison']))}.")
        return text
    return f"{text}. {reason}" if reason else f"{text}."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _figure(row: dict, unit: str) -> str:
    return f"{row['label']} ({number(row['value'], unit)}, {row['period_label']})"


def comparison_words(comparison: str | None, against: str = "England") -> str:
    """"Better than England", "Similar to England", "Worse than England (99.8%)",
    "Not compared with England": the comparison in words, for a tag or a sentence."""
    comparison = comparison or "Not compared"
    if comparison == "Not compared":
        return f"Not compared with {against}"
    # Without judgement, the five bands' outer ones are "Highest" and "Lowest" (METHODS §2.3).
    comparison = {"Highest": "Higher 99.8%", "Lowest": "Lower 99.8%"}.get(comparison,
                                                                       comparison)
    word, _, level = comparison.partition(" ")
    text = f"{word} {'to' if word == 'Similar' else 'than'} {against}"
    return f"{text} ({level})" if level else text

"""A tile's small trend line: a static SVG path drawn on the server, with a sentence saying
what it shows ("Rising from 12.1 in 2019/20 to 14.3 in 2023/24").

Pure: plain values in, the path's `d` and the sentence out. The page draws it with classes
only (no style attributes, no script: the CSP allows neither), so it reads the same without
JavaScript, in a board pack and in a screen reader (which reads the sentence, not the line).
"""

from __future__ import annotations

from django.utils.safestring import mark_safe

from outcomes import charts

WIDTH, HEIGHT, PAD = 120, 32, 3
POINTS = 10  # the last ten periods at most


def _scale(values: list[float | None]) -> tuple[float, float]:
    known = [v for v in values if v is not None]
    low, high = min(known), max(known)
    if high == low:  # a flat line across the middle
        return low - 1, high + 1
    return low, high


def _path(values: list[float | None]) -> tuple[str, tuple[float, float]]:
    """The line's `d` (a gap where a value is missing) and its last point's x and y."""
    low, high = _scale(values)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    height = (HEIGHT - 2 * PAD) / (high - low)
    commands, pen = [], "M"
    x = y = 0.0
    for i, value in enumerate(values):
        if value is None:
            pen = "M"
            continue
        x, y = PAD + i * step, HEIGHT - PAD - (value - low) * height
        commands.append(f"{pen}{x:.1f} {y:.1f}")
        pen = "L"
    return " ".join(commands), (round(x, 1), round(y, 1))


def _direction(first: float, last: float) -> str:
    if last > first:
        return "Rising"
    return "Falling" if last < first else "Same"


def sparkline(values: list[float | None] | None, periods: list[str] | None,
              unit: str = "count") -> dict | None:
    """The trend line of a series' last POINTS periods: `d`, `end` (x, y of the latest point),
    `width`, `height` and `sentence`. None when fewer than two periods have a value."""
    values, periods = list(values or [])[-POINTS:], list(periods or [])[-POINTS:]
    if len(values) != len(periods):
        return None
    known = [(p, v) for p, v in zip(periods, values, strict=True) if v is not None]
    if len(known) < 2:
        return None
    (first_period, first), (last_period, last) = known[0], known[-1]
    d, end = _path(values)
    direction = _direction(first, last)
    if direction == "Same":
        sentence = (f"The same in {first_period} and {last_period}: "
                    f"{charts.number(last, unit)}")
    else:
        sentence = (f"{direction} from {charts.number(first, unit)} in {first_period} to "
                    f"{charts.number(last, unit)} in {last_period}")
    # The drawing as markup, made once here: a template would look up each of its numbers
    # again for every tile. Only numbers go into it, so there is nothing to escape.
    svg = mark_safe(  # noqa: S308 - numbers and fixed text only
        f'<svg class="cdp-spark__svg" viewBox="0 0 {WIDTH} {HEIGHT}" aria-hidden="true" '
        f'focusable="false"><path class="cdp-spark__line" d="{d}"/><circle '
        f'class="cdp-spark__end" cx="{end[0]}" cy="{end[1]}" r="2.5"/></svg>')
    return {"d": d, "end": end, "width": WIDTH, "height": HEIGHT, "sentence": sentence,
            "svg": svg}

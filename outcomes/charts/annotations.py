"""Annotations: a partnership's dated notes on a metric, as dotted lines on its series
chart, rows of the table beside it and a sentence of its summary. Pure: no ORM, no request."""

from __future__ import annotations

from datetime import date

from ..periods import PeriodError, parse_period
from .common import BLACK, GREY

NOTE_ROW_PIXELS = 24


def plotly_text(text: str) -> str:
    """`text` as plotly.js shows it, letter for letter: it reads <, > and & in its strings as
    the start of its own tags and entities, so they are given as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def note_day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def annotation_places(labels: list[str], notes: list[dict]) -> list[dict]:
    """Where each note falls among the periods `labels` (in time order): `index` of the
    period it falls in (the soonest ending, if periods overlap), or None when it falls in none
    (before, after or between them); `position` on a category axis of these periods (each
    period i spans i - 0.5 to i + 0.5, and a note is drawn as far through its period as its
    date is), or None when the labels are not periods that can be read. `notes`: number, date,
    text."""
    try:
        periods = [parse_period(label) for label in labels]
    except PeriodError:
        return [{**note, "index": None, "position": None} for note in notes]
    placed = []
    for note in notes:
        day = note["date"]
        inside = [i for i, p in enumerate(periods) if p.start <= day <= p.end]
        if inside:
            index = min(inside, key=lambda i: (periods[i].end, i))
            period = periods[index]
            share = (day - period.start).days / ((period.end - period.start).days + 1)
            position = index - 0.5 + share
        else:
            index = None
            later = [i for i, p in enumerate(periods) if p.start > day]
            position = min(later) - 0.5 if later else len(periods) - 0.5
        placed.append({**note, "index": index, "position": round(position, 4)})
    return placed


# Each note is marked above the plot by its number in a small box over its dotted line; its
# words are in the numbered list under the chart, the table and the summary. The boxes are laid
# out for the narrowest plot a page draws (a phone's): on a wider one the same rows only leave
# more room between them, as every box keeps its size while the dates move apart.
NARROWEST_PLOT_PIXELS = 240
MARKER_DIGIT_PIXELS = 9  # a digit at 13px, with room to spare
MARKER_PAD_PIXELS = 12  # the box's padding and border, both sides
MARKER_GAP_PIXELS = 4


def marker_width(number: int) -> int:
    return MARKER_DIGIT_PIXELS * len(str(number)) + MARKER_PAD_PIXELS


def marker_boxes(positions: list[float], numbers: list[int], axis: tuple[float, float],
                 plot_pixels: float = NARROWEST_PLOT_PIXELS) -> list[dict]:
    """Where each note's numbered box goes, in the order given: `row` (0 just above the plot,
    1 above that...) and `xanchor` (centred on its line, or reaching inwards from an edge it
    would cross), with its `left` and `right` in pixels across a plot `plot_pixels` wide.

    Deterministic: taken in order of date (then number), each box goes on the lowest row
    where it keeps MARKER_GAP_PIXELS from the box before it on that row."""
    low, high = axis
    scale = plot_pixels / (high - low)
    boxes: list[dict] = [{} for _ in positions]
    row_ends: list[float] = []
    for i in sorted(range(len(positions)), key=lambda i: (positions[i], numbers[i])):
        at, width = (positions[i] - low) * scale, marker_width(numbers[i])
        if at - width / 2 < 0:
            anchor, left = "left", at
        elif at + width / 2 > plot_pixels:
            anchor, left = "right", at - width
        else:
            anchor, left = "center", at - width / 2
        row = next((r for r, end in enumerate(row_ends) if end + MARKER_GAP_PIXELS <= left),
                   len(row_ends))
        if row == len(row_ends):
            row_ends.append(left + width)
        else:
            row_ends[row] = left + width
        boxes[i] = {"row": row, "xanchor": anchor, "left": left, "right": left + width}
    return boxes


def _mark_annotations(layout: dict, categories: list[str], notes: list[dict]) -> None:
    """A dotted vertical line at each note's date and, above the plot, its number in a box
    (the whole note on hover), on as many rows as keep the boxes apart (marker_boxes)."""
    placed = [n for n in annotation_places(categories, notes) if n["position"] is not None]
    if not placed:
        return
    axis = (-0.5, len(categories) - 0.5)
    boxes = marker_boxes([n["position"] for n in placed], [n["number"] for n in placed], axis)
    shapes, labels = list(layout.get("shapes", [])), list(layout.get("annotations", []))
    for note, box in zip(placed, boxes, strict=True):
        x = note["position"]
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x,
                       "y0": 0, "y1": 1, "layer": "above",
                       "line": {"color": GREY, "width": 2, "dash": "dot"}})
        labels.append({
            "name": "note-marker", "xref": "x", "yref": "paper", "x": x, "y": 1,
            "yanchor": "bottom", "yshift": 2 + NOTE_ROW_PIXELS * box["row"],
            "xanchor": box["xanchor"], "showarrow": False,
            "text": str(note["number"]),
            "hovertext": plotly_text(f"Note {note['number']}, {note_day(note['date'])}: "
                                     f"{note['text']}"),
            "font": {"size": 13, "color": BLACK}, "bgcolor": "#ffffff",
            "bordercolor": BLACK, "borderwidth": 1, "borderpad": 3})
    extra = NOTE_ROW_PIXELS * (max(box["row"] for box in boxes) + 1) + 8
    layout["margin"] = {**layout["margin"], "t": layout["margin"]["t"] + extra}
    layout["height"] = layout["height"] + extra
    # The title at the top, not in the middle of the (now taller) top margin, where the boxes
    # are: its lines, however many, push the plot down rather than meet them.
    layout["title"] = {**layout["title"], "yref": "container", "y": 1, "yanchor": "top",
                       "pad": {"t": 12}}
    layout["shapes"], layout["annotations"] = shapes, labels


def annotation_rows(points: list[dict], notes: list[dict]) -> list[dict]:
    """The rows of the table beside a chart, oldest first: each point with the notes that fall
    in its period (`notes`), and a row of its own (`point` None) for each note that falls in
    no point's period, where it comes in time."""
    placed = annotation_places([p["period_label"] for p in points], notes)
    rows: list[dict] = []
    for index, point in enumerate(points):
        for note in placed:
            if note["index"] is None and note["position"] == index - 0.5:
                rows.append({"point": None, "notes": [note]})
        rows.append({"point": point, "notes": [n for n in placed if n["index"] == index]})
    rows += [{"point": None, "notes": [note]} for note in placed
             if note["index"] is None and (note["position"] is None
                                           or note["position"] >= len(points) - 0.5)]
    return rows


def annotations_sentence(notes: list[dict]) -> str:
    """What the dotted lines say, for the chart's summary: "Notes: 1. 1 April 2023: New
    treatment provider from 1 April." Empty without notes."""
    if not notes:
        return ""
    heading = "Note" if len(notes) == 1 else f"{len(notes)} notes"
    items = "; ".join(f"{n['number']}. {note_day(n['date'])}: {n['text'].rstrip('.')}"
                      for n in notes)
    return f"{heading} marked on the chart: {items}."

"""Plain data in, Plotly figure (as JSON-ready dict) and plain-English sentence out. Pure: no
ORM and no request. Pages pass the figure to the template with `json_script`, and the
self-hosted plotly.js draws it (static/js/charts.js); each chart also has a table beside it.

Every choice about a figure is made here (which legend entries show, the order of categories
and periods, axes, the legend's place): the JSON says how to draw it. charts.js only fits it
to the width it is drawn at (wrapping labels, how many periods are labelled, the height the
legend needs) and draws it again when that width changes.

One module per chart: `series` (a metric's series, with its `annotations`), `progress` (the
action plan's milestones), `spine`, `compare` and `areas` (a partnership's areas side
by side); `sentences` says a metric's figure, trend and target in words; `common` holds
the styling they share.
"""

from .annotations import (
    NOTE_ROW_PIXELS,
    annotation_places,
    annotation_rows,
    annotations_sentence,
    marker_boxes,
    note_day,
    plotly_text,
)
from .areas import areas_figure, areas_sentence, comparison_words
from .common import (
    BLACK,
    BLUE,
    COMPARISON_COLOURS,
    FONT,
    FONT_SIZE,
    GREEN,
    GREY,
    LEGEND,
    ORANGE,
    UNIT_SUFFIX,
    as_of,
    number,
    time_ordered,
)
from .compare import COMPARED, compare_figure, compare_rows, compare_sentence, grid_sentence
from .progress import OVERDUE_LEGEND, PLAN_STATUSES, plan_progress_figure, progress_sentence
from .sentences import (
    TARGET_LABELS,
    metric_sentence,
    target_label,
    target_sentence,
    target_status_now,
    trend_sentence,
)
from .series import metric_series_figure
from .spine import SPINE_REASONS, spine_figure, spine_rows, spine_sentence

__all__ = [
    "BLACK",
    "BLUE",
    "COMPARED",
    "COMPARISON_COLOURS",
    "FONT",
    "FONT_SIZE",
    "GREEN",
    "GREY",
    "LEGEND",
    "NOTE_ROW_PIXELS",
    "ORANGE",
    "OVERDUE_LEGEND",
    "PLAN_STATUSES",
    "SPINE_REASONS",
    "TARGET_LABELS",
    "UNIT_SUFFIX",
    "annotation_places",
    "areas_figure",
    "areas_sentence",
    "annotation_rows",
    "annotations_sentence",
    "marker_boxes",
    "as_of",
    "compare_figure",
    "compare_rows",
    "compare_sentence",
    "comparison_words",
    "grid_sentence",
    "metric_series_figure",
    "metric_sentence",
    "note_day",
    "number",
    "plan_progress_figure",
    "plotly_text",
    "progress_sentence",
    "spine_figure",
    "spine_rows",
    "spine_sentence",
    "target_label",
    "target_sentence",
    "target_status_now",
    "time_ordered",
    "trend_sentence",
]

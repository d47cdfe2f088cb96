"""outcomes/aggregates/output.py: the output columns, the rows for the model and the
series stored a list per field."""

import json
import math
from datetime import date, datetime

import numpy as np
import pandas as pd

from outcomes import aggregates
from outcomes.aggregates import OUTPUT_COLUMNS, metric_summaries, records, series_points

from .frames import (
    EXAMPLE,
    METRIC_COLUMNS,
    OBSERVATION_COLUMNS,
    PARTNERSHIP_COLUMNS,
    PEER_COLUMNS,
    SUPPRESSED,
    TARGET_COLUMNS,
    VALUE_COLUMNS,
    benchmark,
    frame,
    metric,
    only,
    ranking_rows,
    year,
)


# --- Empty inputs and records --------------------------------------------------------------------
def empty_frames() -> dict:
    return {"observations": frame([], OBSERVATION_COLUMNS),
            "benchmarks": frame([], VALUE_COLUMNS), "metrics": frame([], METRIC_COLUMNS),
            "targets": frame([], TARGET_COLUMNS),
            "partnerships": frame([], PARTNERSHIP_COLUMNS)}


def test_empty_inputs_give_an_empty_frame_with_the_output_columns():
    summary = metric_summaries(**empty_frames())
    assert list(summary.columns) == OUTPUT_COLUMNS and summary.empty
    assert records(summary) == []
    assert list(metric_summaries(**empty_frames(), peers=frame([], PEER_COLUMNS)).columns) == (
        OUTPUT_COLUMNS)
    # Observations of a breakdown only.
    frames = empty_frames()
    frames["observations"] = frame([year(2022, 1.0, sex="Male")], OBSERVATION_COLUMNS)
    assert metric_summaries(**frames).empty
    # Observations without anything else: still one row.
    frames["observations"] = frame([year(2022, 1.0)], OBSERVATION_COLUMNS)
    row = only(records(metric_summaries(**frames)))
    assert (row["value"], row["england_comparison"], row["trend_marker"], row["region_code"],
            row["quintile"], row["rank"], row["rank_of"]) == (
        1.0, "Not compared", "Cannot be calculated", "", 0, 1, 1)


def test_records_are_plain_python_ready_for_the_model():
    from outcomes.models import MetricSummary

    rows = ranking_rows(EXAMPLE[:3])
    rows[0].update(lower_ci=10.0, upper_ci=14.0)
    rows.append(year(2023, partnership_id=1, area_code=rows[0]["area_code"],
                     value_note=SUPPRESSED))
    summary = metric_summaries(
        observations=frame(rows, OBSERVATION_COLUMNS),
        benchmarks=frame([benchmark(2022, 13.0)], VALUE_COLUMNS),
        metrics=frame([metric()], METRIC_COLUMNS), targets=frame([], TARGET_COLUMNS),
        partnerships=frame([], PARTNERSHIP_COLUMNS))
    assert summary["period_end"].dtype.kind == "M"
    assert summary["value"].dtype == np.float64
    converted = records(summary)
    assert [list(r) for r in converted] == [OUTPUT_COLUMNS] * 3
    first = converted[0]
    assert type(first["partnership_id"]) is int and type(first["metric_id"]) is int
    assert type(first["period_end"]) is date and not isinstance(first["period_end"], datetime)
    assert type(first["value"]) is float and first["denominator"] is None
    assert first["previous_value"] is None and first["change"] is None
    assert type(first["quintile"]) is int and type(first["rank"]) is int
    assert first["england_value"] == 13.0 and type(first["england_value"]) is float
    assert first["england_comparison"] == "Similar"
    for row in converted:
        for name, value in row.items():
            assert not isinstance(value, np.generic | pd.Timestamp), name
            assert not (isinstance(value, float) and math.isnan(value)), name
        json.dumps(row["series"], allow_nan=False)
        assert tuple(row["series"]) == aggregates.SERIES_FIELDS
        assert all(type(end) is str for end in row["series"]["period_end"])
        assert {len(column) for column in row["series"].values()} == {
            len(row["series"]["period_label"])}
    assert json.loads(json.dumps(first["series"]))["value"][-1] is None
    from outcomes.spine import RANGE_COLUMNS

    # The model's fields: these columns, England's range that outcomes.spine adds, and the
    # partnership's own value beside a published one that the recompute adds (the writer adds
    # the fingerprint and the computation time).
    fields = {f.attname for f in MetricSummary._meta.concrete_fields} - {
        "id", "computed_at", "fingerprint"}
    assert set(OUTPUT_COLUMNS) | set(RANGE_COLUMNS) | {"local_value"} == fields
    summary_row = MetricSummary(**first, computed_at=datetime(2024, 1, 1))
    assert summary_row.period_end == date(2023, 3, 31)


def test_the_series_is_stored_a_column_per_field_and_read_back_as_points():
    import importlib

    migration = importlib.import_module("outcomes.migrations.0008_summary_series_columns")
    points = [{"period_label": "2021/22", "period_end": "2022-03-31", "value": 1.5,
               "lower_ci": 1.0, "upper_ci": 2.0, "count": 3.0, "england": 1.2, "region": None,
               "value_note": ""},
              {"period_label": "2022/23", "period_end": "2023-03-31", "value": None,
               "lower_ci": None, "upper_ci": None, "count": None, "england": 1.1,
               "region": 1.4, "value_note": "Suppressed"}]
    columns = migration.columns(points)
    assert columns["value"] == [1.5, None] and columns["region"] == [None, 1.4]
    assert series_points(columns) == points == migration.points(columns)
    # Stored once already (a second run of the migration) or empty, it is left as it is.
    assert migration.columns(columns) is columns
    assert series_points({}) == [] == migration.points({}) and migration.columns([]) == {}

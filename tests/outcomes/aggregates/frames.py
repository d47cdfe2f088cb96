"""Frames built by hand for the tests of outcomes/aggregates/: the summaries' inputs, row by row.
Pure pandas, so no database."""

from datetime import date

import pandas as pd

from outcomes.aggregates import OUTPUT_COLUMNS, metric_summaries, records

NAN = float("nan")
ENGLAND = "E92000001"
REGION = "E12000003"  # Yorkshire and The Humber
OTHER_REGION = "E12000001"
AREA = "E08000018"  # Rotherham
VALUE_COLUMNS = ["metric_id", "area_code", "area_name", "period_label", "period_start",
                 "period_end", "period_year_type", "period_sortable", "sex", "age",
                 "category_type", "category", "value", "count", "denominator", "lower_ci",
                 "upper_ci", "value_note"]
OBSERVATION_COLUMNS = ["partnership_id", *VALUE_COLUMNS]
METRIC_COLUMNS = ["metric_id", "code", "unit", "polarity", "frequency", "disclosure_control"]
TARGET_COLUMNS = ["target_id", "partnership_id", "metric_id", "description", "target_value",
                  "due_period", "due_end", "baseline_value", "baseline_end"]
PARTNERSHIP_COLUMNS = ["partnership_id", "region_code"]
PEER_COLUMNS = ["partnership_id", "metric_id", "area_code", "period_end", "period_label",
                "value", "count"]
SUPPRESSED = "Value suppressed for disclosure control due to small count"


# --- Building frames -----------------------------------------------------------------------------
def year(y: int, value: float = NAN, *, partnership_id: int = 1, metric_id: int = 1,
         area_code: str = AREA, **fields) -> dict:
    """An observation for the financial year y/y+1 (all persons, no category)."""
    return {
        "partnership_id": partnership_id, "metric_id": metric_id, "area_code": area_code,
        "area_name": "Rotherham", "period_label": f"{y}/{(y + 1) % 100:02d}",
        "period_start": date(y, 4, 1), "period_end": date(y + 1, 3, 31),
        "period_year_type": "financial", "period_sortable": y * 10000, "sex": "", "age": "",
        "category_type": "", "category": "", "value": value, "count": NAN,
        "denominator": NAN, "lower_ci": NAN, "upper_ci": NAN, "value_note": "", **fields,
    }


def benchmark(y: int, value: float, area_code: str = ENGLAND, **fields) -> dict:
    row = year(y, value, area_code=area_code, area_name=area_code, **fields)
    del row["partnership_id"]
    return row


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def metric(metric_id: int = 1, *, unit: str = "rate_per_100000",
           polarity: str = "higher_better", frequency: str = "annual",
           disclosure_control: bool = False) -> dict:
    return {"metric_id": metric_id, "code": f"metric-{metric_id}", "unit": unit,
            "polarity": polarity, "frequency": frequency,
            "disclosure_control": disclosure_control}


def summarise(observations: list[dict], *, benchmarks=(), metrics=None, targets=(),
              partnerships=None, peers=None) -> list[dict]:
    """The summaries of these rows, as records, in output order."""
    partnership_ids = sorted({row["partnership_id"] for row in observations})
    summary = metric_summaries(
        observations=frame(observations, OBSERVATION_COLUMNS),
        benchmarks=frame(list(benchmarks), VALUE_COLUMNS),
        metrics=frame(metrics if metrics is not None else [metric()], METRIC_COLUMNS),
        targets=frame(list(targets), TARGET_COLUMNS),
        partnerships=frame(partnerships if partnerships is not None else
                           [{"partnership_id": p, "region_code": REGION}
                            for p in partnership_ids], PARTNERSHIP_COLUMNS),
        peers=None if peers is None else frame([labelled(p) for p in peers], PEER_COLUMNS),
    )
    assert list(summary.columns) == OUTPUT_COLUMNS
    return records(summary)


def labelled(peer: dict) -> dict:
    """A stored summary's row, labelled by its financial year unless it says otherwise."""
    end = peer["period_end"]
    return {"period_label": f"{end.year - 1}/{end.year % 100:02d}", **peer}


def only(rows: list[dict]) -> dict:
    assert len(rows) == 1
    return rows[0]


# --- Rows for ranking ---------------------------------------------------------------------------
EXAMPLE = [12, 15, 15, 18, 20, 22, 25, 25, 30, 41]  # METHODS.md §5


def ranking_rows(values, period: int = 2022) -> list[dict]:
    return [year(period, float(v), partnership_id=n, area_code=f"E0800{n:04d}")
            for n, v in enumerate(values, start=1)]


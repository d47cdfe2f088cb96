"""Metric metadata as Fingertips defines it, from two sources. Pure: no ORM.

1. The Fingertips metadata file (`indicator_metadata` as CSV). Its columns are those of the
   Fingertips server's writer (ukhsa-collaboration/fingertips-open,
   PholioVisualisationWS/Export/MultipleIndicatorMetadataFileWriter.cs): "Indicator ID", one
   column per descriptive text property by its display name ("Indicator", "Definition",
   "Frequency"...), then "Unit", "Value type" and "Year type"; newer servers add the most
   common "Polarity" of the indicator's groupings (IndicatorMetadataFileBuilder). Columns are
   read by name; unknown ones are ignored.
2. Inference from a data file, where no metadata is known (`Evidence`): the Better/Worse
   labels against England's value give the polarity, Higher/Lower labels mean no judgement,
   the period labels give the period length and year type, and value ≈ count ÷ denominator × k
   proposes a crude value type and unit. Every inference says what it rests on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from statistics import median
from typing import BinaryIO

from ..choices import Frequency, Polarity, Unit, ValueType, YearType
from . import FileProblem, SourceRow, csv_records, normalise_header, open_text

UNITS = {"%": Unit.PERCENTAGE, "percentage": Unit.PERCENTAGE, "per 100": Unit.PERCENTAGE,
         "per 1,000": Unit.RATE_PER_1000, "per 10,000": Unit.RATE_PER_10000,
         "per 100,000": Unit.RATE_PER_100000, "count": Unit.COUNT, "number": Unit.COUNT}
VALUE_TYPES = {"proportion": ValueType.PROPORTION, "crude rate": ValueType.CRUDE_RATE,
               "directly standardised rate": ValueType.DSR,
               "indirectly standardised ratio": ValueType.ISR,
               "indirectly standardised rate": ValueType.ISR, "count": ValueType.COUNT}
YEAR_TYPES = {"calendar": YearType.CALENDAR, "financial": YearType.FINANCIAL,
              "academic": YearType.ACADEMIC}
POLARITIES = {"rag - low is good": Polarity.LOWER_IS_BETTER,
              "rag - high is good": Polarity.HIGHER_IS_BETTER,
              "bob - blue orange blue": Polarity.NO_JUDGEMENT,
              "no judgement": Polarity.NO_JUDGEMENT,
              "not applicable": Polarity.NOT_APPLICABLE}
# The multipliers a crude figure is made with, and what each makes it.
MULTIPLIERS = {1: (ValueType.OTHER, Unit.COUNT), 100: (ValueType.PROPORTION, Unit.PERCENTAGE),
               1_000: (ValueType.CRUDE_RATE, Unit.RATE_PER_1000),
               10_000: (ValueType.CRUDE_RATE, Unit.RATE_PER_10000),
               100_000: (ValueType.CRUDE_RATE, Unit.RATE_PER_100000)}
FIT = 0.01  # within 1% of count ÷ denominator × k
MOST = 0.8  # on at least 80% of the rows with all three
MAX_SAMPLES = 20_000


@dataclass
class Known:
    """One indicator's metadata: the fields it sets on a metric, and how each was found."""

    fields: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    name: str = ""


def _lookup(table: dict, text: str):
    text = text.strip().lower()
    if text in table:
        return table[text]
    return next((value for key, value in table.items() if text.startswith(key)), None)


def read_metadata(data: bytes | BinaryIO) -> Iterator[tuple[str, Known]]:
    """(indicator id, its metadata) for each row of a Fingertips metadata CSV."""
    records = csv_records(open_text(data))
    try:
        _, header = next(records)
    except StopIteration:
        raise FileProblem("the metadata file is empty") from None
    names = [normalise_header(h) for h in header]
    if "indicator id" not in names:
        raise FileProblem("this is not a Fingertips metadata file: it has no 'Indicator ID' "
                          "column")
    for _, record in records:
        cells = dict(zip(names, (cell.strip() for cell in record), strict=False))
        indicator = cells.get("indicator id", "")
        if re.fullmatch(r"[0-9]{1,9}", indicator):
            yield indicator, _known(cells)


def _known(cells: dict[str, str]) -> Known:
    known = Known()
    for column, table, name in (("unit", UNITS, "unit"), ("value type", VALUE_TYPES, "value_type"),
                                ("year type", YEAR_TYPES, "year_type"),
                                ("polarity", POLARITIES, "polarity")):
        text = cells.get(column, "")
        value = _lookup(table, text) if text else None
        if value is None and column == "value type" and text:
            value = ValueType.OTHER  # a mean, a score, a life expectancy...
        if value is not None:
            known.fields[name] = value
            known.notes.append(f"{column} '{text}' from the Fingertips metadata")
    known.name = (cells.get("indicator") or cells.get("indicator full name") or "")[:300]
    return known


class Evidence:
    """What one indicator's rows of a data file show about its metadata."""

    def __init__(self, indicator: str, name: str):
        self.indicator, self.name = indicator, name
        self.periods: Counter = Counter()
        self.england: dict[tuple, float] = {}
        self.labelled: list[tuple[tuple, float, str]] = []
        self.ratios: list[float] = []

    def add(self, row: SourceRow) -> None:
        period = row.period
        self.periods[(period.year_range, period.quarter > 0, period.month > 0,
                      period.year_type)] += 1
        key = (period.label, row.sex, row.age, row.category_type, row.category)
        if row.value is None:
            return
        if row.area_code == "E92000001":
            self.england[key] = row.value
        elif row.compared_england and len(self.labelled) < MAX_SAMPLES:
            self.labelled.append((key, row.value, row.compared_england.lower()))
        count, denominator = row.count, row.denominator
        if count and denominator and len(self.ratios) < MAX_SAMPLES:
            self.ratios.append(row.value / (count / denominator))

    def infer(self) -> Known:
        known = Known(name=self.name)
        for part in (self._polarity, self._period, self._value_type):
            fields, note = part()
            known.fields.update(fields)
            known.notes.append(note)
        return known

    def _polarity(self) -> tuple[dict, str]:
        votes: Counter = Counter()
        for key, value, label in self.labelled:
            england = self.england.get(key)
            if label in ("better", "worse") and england is not None and value != england:
                high_is_bad = (label == "worse") == (value > england)
                votes[Polarity.LOWER_IS_BETTER if high_is_bad else Polarity.HIGHER_IS_BETTER] += 1
            elif label in ("higher", "lower"):
                votes[Polarity.NO_JUDGEMENT] += 1
        if not votes:
            return ({"polarity": Polarity.NO_JUDGEMENT},
                    "polarity: no Better/Worse or Higher/Lower labels against England, so no "
                    "judgement is made: check it")
        polarity, n = votes.most_common(1)[0]
        if polarity == Polarity.NO_JUDGEMENT:
            return {"polarity": polarity}, f"polarity: no judgement ({n} Higher/Lower labels)"
        return ({"polarity": polarity},
                f"polarity: {polarity.label.lower()} ({n} of {sum(votes.values())} Better/Worse "
                "labels against England's value agree)")

    def _period(self) -> tuple[dict, str]:
        (years, quarterly, monthly, year_type), _ = self.periods.most_common(1)[0]
        year_type = YearType(year_type)
        if monthly or quarterly:
            frequency = Frequency.MONTHLY if monthly else Frequency.QUARTERLY
        else:
            frequency = {1: Frequency.ANNUAL, 2: Frequency.BIENNIAL,
                         3: Frequency.ROLLING_THREE_YEARS}.get(years, Frequency.AD_HOC)
        fields = {"period_years": years if years in (1, 3) else 1,
                  "frequency": frequency, "year_type": year_type}
        return fields, (f"period: {Frequency(frequency).label.lower()}, "
                        f"{year_type.label.lower()}s (from the time period labels)")

    def _value_type(self) -> tuple[dict, str]:
        if not self.ratios:
            return ({"value_type": ValueType.OTHER, "unit": Unit.COUNT},
                    "value type: not known (no rows with a count and a denominator): check it")
        for k, (value_type, unit) in MULTIPLIERS.items():
            fits = sum(abs(r / k - 1) <= FIT for r in self.ratios)
            if fits >= MOST * len(self.ratios):
                return ({"value_type": value_type, "unit": unit},
                        f"value type: {value_type.label.lower()}, unit {unit.label.lower()} "
                        f"(value = count ÷ denominator × {k:,} on {fits} of "
                        f"{len(self.ratios)} rows)")
        return self._not_crude()

    def _not_crude(self) -> tuple[dict, str]:
        """No multiplier fits: most likely an age-standardised rate, whose unit is the scale
        count ÷ denominator is of the order of."""
        typical = median(self.ratios)
        unit = Unit.COUNT
        if typical > 0:
            k = min(MULTIPLIERS, key=lambda m: abs(math.log(typical / m)))
            if k > 1 and 0.5 <= typical / k <= 2:
                unit = MULTIPLIERS[k][1]
        standardised = re.search(r"standardi[sz]ed|\bdsr\b", self.name, re.IGNORECASE)
        value_type = ValueType.DSR if standardised and unit != Unit.COUNT else ValueType.OTHER
        said = ("its name says it is directly standardised" if value_type == ValueType.DSR
                else "recorded as 'other' until the Fingertips metadata says what it is")
        return ({"value_type": value_type, "unit": unit},
                "value type: value is not count ÷ denominator × any multiplier: likely a "
                f"directly standardised rate; {said}; unit {unit.label.lower()} (the order of "
                "count ÷ denominator)")

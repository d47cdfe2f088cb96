"""File in, validated rows and row errors out. Pure: no ORM, no request.

Each reader yields, in file order, either a `SourceRow` (every cell read and typed) or a
`RowError` (the line number and why the row cannot be read). Matching rows to metrics,
areas and partnerships needs the database and happens in `outcomes.services`.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from ..periods import Period, PeriodError, parse_period

MAX_FILE_BYTES = 100 * 1024 * 1024


class FileProblem(ValueError):
    """The file as a whole cannot be read: wrong format, missing columns, too big."""


@dataclass(frozen=True)
class SourceRow:
    line: int
    indicator: str  # a Fingertips indicator id, or a metric code
    indicator_name: str
    area_code: str
    area_name: str
    area_type: str
    sex: str
    age: str
    category_type: str
    category: str
    period: Period
    value: float | None
    lower_ci: float | None
    upper_ci: float | None
    count: float | None
    denominator: float | None
    value_note: str
    source: str

    @property
    def key(self) -> tuple:
        return (
            self.indicator, self.area_code, self.period.start, self.period.end,
            self.period.year_type, self.sex, self.age, self.category_type, self.category,
        )


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


def binary(data: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, bytes | bytearray) else data


def open_text(data: bytes | BinaryIO) -> TextIO:
    """The file as text, read as it is needed: UTF-8 (with or without a byte-order mark),
    else Windows-1252 as Excel saves it. The encoding is found by streaming through once."""
    stream = binary(data)
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding = "utf-8-sig"
    try:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        encoding = "cp1252"
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")


def csv_records(text: TextIO) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) for each CSV record; a malformed file is a FileProblem, not a crash."""
    reader = csv.reader(text)
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as error:
        raise FileProblem(
            f"line {reader.line_num} cannot be read as CSV ({error}); a quote may be missing"
        ) from None


def normalise_header(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name or "").lower()).strip()


def number(raw: object, column: str) -> float | None:
    """A cell as a float; empty is None. Raises ValueError with a reason for bad numbers."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(f"{column} {raw!r} is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace(",", "")
        if text == "":
            return None
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{column} {str(raw).strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{column} {str(raw).strip()!r} is not a finite number")
    if abs(value) > 1e15:
        raise ValueError(f"{column} {str(raw).strip()!r} is too large")
    return value


def build_row(line: int, cells: dict[str, object]) -> SourceRow:
    """Types one row's cells. Raises ValueError with the reason it cannot."""

    def text(name: str, limit: int = 150) -> str:
        value = cells.get(name)
        return "" if value is None else str(value).strip()[:limit]

    indicator = text("indicator")
    if not indicator:
        raise ValueError("the metric is empty")
    area_code = text("area_code").upper()
    if not area_code:
        raise ValueError("the area code is empty")
    if not re.fullmatch(r"E\d{8}", area_code):
        raise ValueError(f"area code {area_code!r} is not an ONS code like E08000018")
    try:
        period = parse_period(cells.get("period"))
    except PeriodError as error:
        raise ValueError(f"the time period cannot be read: {error}") from None
    values = {
        name: number(cells.get(name), label)
        for name, label in (
            ("value", "value"), ("lower_ci", "lower CI"), ("upper_ci", "upper CI"),
            ("count", "count"), ("denominator", "denominator"),
        )
    }
    if values["count"] is not None and values["count"] < 0:
        raise ValueError(f"count {values['count']:g} is negative")
    if values["denominator"] is not None and values["denominator"] < 0:
        raise ValueError(f"denominator {values['denominator']:g} is negative")
    lower, upper = values["lower_ci"], values["upper_ci"]
    if lower is not None and upper is not None and lower > upper:
        raise ValueError(f"lower CI {lower:g} is above upper CI {upper:g}")
    return SourceRow(
        line=line,
        indicator=indicator,
        indicator_name=text("indicator_name", 300),
        area_code=area_code,
        area_name=text("area_name"),
        area_type=text("area_type"),
        sex=text("sex", 30),
        age=text("age", 50),
        category_type=text("category_type"),
        category=text("category"),
        period=period,
        value=values["value"],
        lower_ci=lower,
        upper_ci=upper,
        count=values["count"],
        denominator=values["denominator"],
        value_note=text("value_note", 300),
        source=text("source", 200),
    )

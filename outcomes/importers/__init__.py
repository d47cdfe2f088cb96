"""File in, validated rows and row errors out. Pure: no ORM, no request.

Each reader yields, in file order, either a `SourceRow` (every cell read and typed) or a
`RowError` (the line number and why the row cannot be read). Matching rows to metrics,
areas and partnerships needs the database and happens in `outcomes.services`.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from ..periods import Period, PeriodError, parse_period

MAX_FILE_BYTES = 100 * 1024 * 1024
NO_ROWS = "the file has its column headings but no rows of figures"


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
    # Fingertips' columns that the reference data keeps, and its verdicts, read for metadata.
    parent_code: str = ""
    lower_ci_998: float | None = None
    upper_ci_998: float | None = None
    compared_england: str = ""
    compared_region: str = ""
    period_range: str = ""  # newer files: "1y", "3y"

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
    """The file as text, read as it is needed: UTF-8 (with or without a byte-order mark), UTF-16
    (Excel's "Unicode text"), else Windows-1252 as Excel saves it. The encoding is found by
    streaming through once. What is not text at all (a workbook, a PDF, a web page, binary
    data), or text in no encoding we can tell, is a FileProblem naming what it is."""
    stream = binary(data)
    stream.seek(0)
    head = stream.read(4096)
    stream.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and 0 not in head[0::2]:
        encoding = "utf-16-le"  # UTF-16 without its byte-order mark: every other byte is 0
    else:
        refuse_what_is_not_text(head)
        encoding = _utf8_or_cp1252(stream)
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")


# What files that are not text start with, and what to tell the person who chose them.
SIGNATURES = (
    (b"PK\x03\x04", "this is an Excel workbook or another zip file, not a CSV file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     "this is an old Excel (.xls) workbook: save it as .xlsx or CSV"),
    (b"%PDF", "this is a PDF document, not a CSV file"),
    (b"\x1f\x8b", "this is a compressed (gzip) file: unpack it, then upload the CSV inside"),
)
HTML_START = re.compile(rb"\s*(<!doctype\s+html|<html|<head|<body|<\?xml|<!--|<script|<table)",
                        re.IGNORECASE)
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                           rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def refuse_what_is_not_text(head: bytes) -> None:
    """A FileProblem for a file whose first bytes show it is not a text table."""
    for magic, reason in SIGNATURES:
        if head.startswith(magic):
            raise FileProblem(reason)
    if HTML_START.match(head.removeprefix(codecs.BOM_UTF8)):
        raise FileProblem(
            "this is a web page (HTML or XML), not a CSV file: the download may have failed, "
            "or the page was saved instead of the file. Download the CSV again"
        )
    if b"\x00" in head:
        raise FileProblem("this is not a CSV file: it holds binary data, not text")


def _utf8_or_cp1252(stream: BinaryIO) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    try:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            decoder.decode(chunk)
            lines += chunk.count(b"\n")
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError as error:
        bad = error.object[error.start:error.start + 1]
        line = lines + error.object[:error.start].count(b"\n")
    # Not UTF-8. Windows-1252, as Excel saves a CSV, unless the file also holds UTF-8: then
    # it mixes encodings, and reading it either way would garble some of its text.
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("cp1252")()
    lines = 1
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        if UTF8_SEQUENCE.search(chunk):
            raise FileProblem(
                f"the file mixes text encodings: line {line} has a byte (0x{bad.hex()}) that "
                "is not UTF-8, but the rest of the file is. Save it again as 'CSV UTF-8'"
            )
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            line = lines + error.object[:error.start].count(b"\n")
            raise FileProblem(
                f"the file's text encoding cannot be recognised: line {line} has a byte "
                f"(0x{error.object[error.start:error.start + 1].hex()}) that is neither UTF-8 "
                "nor Windows-1252. Save it again as 'CSV UTF-8'"
            ) from None
        lines += chunk.count(b"\n")
    return "cp1252"


# The longest line read: a CSV of figures never comes near it, and without a limit one line
# with no end could hold the whole file in memory (the csv module limits a field, not a row).
MAX_LINE_CHARS = 1 << 20


def _lines(text: TextIO) -> Iterator[str]:
    number = 0
    while line := text.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise FileProblem(
                f"line {number} is longer than {MAX_LINE_CHARS // 1024 // 1024} million "
                "characters: this is not a table of figures"
            )
        if "\x00" in line:  # the csv module reads it; the database cannot hold it
            raise FileProblem(f"line {number} holds a NUL byte: this is not a text (CSV) file")
        yield line


def csv_records(text: TextIO) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) for each CSV record; a malformed file is a FileProblem, not a crash.
    Commas separate fields, or tabs when the first line has tabs and no commas (Excel's
    "Unicode text"). Semicolons are refused: Excel writes them where a decimal comma is used,
    and "41,5" must never be read as 415."""
    lines = _lines(text)
    first = next(lines, "")
    if not first:
        return
    delimiter = ","
    if "," not in first and "\t" in first:
        delimiter = "\t"
    elif "," not in first and first.count(";") >= 2:
        raise FileProblem(
            "the columns are separated by semicolons, not commas: save the file from Excel "
            "as 'CSV UTF-8 (comma delimited)', with a full stop for decimals"
        )
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as error:
        raise FileProblem(
            f"line {reader.line_num} cannot be read as CSV ({error}); a quote may be missing"
        ) from None


def normalise_header(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name or "").lower()).strip()


# What statistical releases write for a figure that is not published (ONS: [c] confidential,
# [x] not available, [z] not applicable, [low] too small; NDTMS and others: *, -, ..): held
# as no figure, never as 0.
NOT_PUBLISHED = frozenset({"*", "**", "-", "\u2013", "\u2014", "..", ":", "~",
                           "[c]", "[x]", "[z]", "[u]", "[w]", "[low]"})


def not_published(raw: object) -> bool:
    return isinstance(raw, str) and raw.strip().lower() in NOT_PUBLISHED


def shown(text: str) -> str:
    """Cell text for a message: a cell of a thousand digits is cut to its start."""
    return repr(text) if len(text) <= 40 else f"'{text[:20]}…' ({len(text)} characters)"


def number(raw: object, column: str) -> float | None:
    """A cell as a float; empty (or marked not published) is None. Raises ValueError with a
    reason for bad numbers."""
    if raw is None or not_published(raw):
        return None
    if isinstance(raw, bool):
        raise ValueError(f"{column} {raw!r} is not a number")
    if isinstance(raw, int | float):
        text = str(raw)
        try:
            value = float(raw)
        except OverflowError:  # an int too large for a float
            raise ValueError(f"{column} {shown(text)} is too large") from None
    else:
        text = str(raw).strip()
        cleaned = text.replace(",", "")
        if cleaned == "":
            return None
        try:
            value = float(cleaned)
        except ValueError:
            raise ValueError(f"{column} {shown(text)} is not a number") from None
    if not math.isfinite(value):
        too_large = math.isinf(value) and "inf" not in text.lower()
        raise ValueError(f"{column} {shown(text)} is not a finite number"
                         + (": it is too large" if too_large else ""))
    if abs(value) > 1e15:
        raise ValueError(f"{column} {shown(text)} is too large")
    return value


def build_row(line: int, cells: dict[str, object]) -> SourceRow:
    """Types one row's cells. Raises ValueError with the reason it cannot."""

    def text(name: str, limit: int = 150) -> str:
        value = cells.get(name)
        return "" if value is None else str(value).strip()[:limit]

    indicator = text("indicator")
    if not indicator:
        raise ValueError("the metric is empty")
    area_code = _area_code(text("area_code"))
    try:
        period = parse_period(cells.get("period"))
    except PeriodError as error:
        raise ValueError(f"the time period cannot be read: {error}") from None
    value_note = text("value_note", 300)
    if not_published(cells.get("value")) and not value_note:
        value_note = f"Not published in the source ({str(cells.get('value')).strip()})"
    values = _numbers(cells)
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
        value_note=value_note,
        source=text("source", 200),
        parent_code=_parent_code(text("parent_code")),
        compared_england=text("compared_england", 40),
        compared_region=text("compared_region", 40),
        period_range=text("period_range", 10),
        **values,
    )


def _parent_code(text: str) -> str:
    """The published parent's ONS code, or "" where there is none (or it is not one)."""
    code = text.upper()
    return code if re.fullmatch(r"E\d{8}", code) else ""


def _area_code(text: str) -> str:
    """The ONS area code, in capitals. Raises ValueError if it is empty or not one."""
    area_code = text.upper()
    if not area_code:
        raise ValueError("the area code is empty")
    if not re.fullmatch(r"E\d{8}", area_code):
        raise ValueError(f"area code {area_code!r} is not an ONS code like E08000018")
    return area_code


def _numbers(cells: dict[str, object]) -> dict[str, float | None]:
    """The value, CIs, count and denominator, typed and checked: no negative count or
    denominator, and no lower limit above its upper. Raises ValueError if not."""
    values = {
        name: number(cells.get(name), label)
        for name, label in (
            ("value", "value"), ("lower_ci", "lower CI"), ("upper_ci", "upper CI"),
            ("lower_ci_998", "lower 99.8% CI"), ("upper_ci_998", "upper 99.8% CI"),
            ("count", "count"), ("denominator", "denominator"),
        )
    }
    if values["count"] is not None and values["count"] < 0:
        raise ValueError(f"count {values['count']:g} is negative")
    if values["denominator"] is not None and values["denominator"] < 0:
        raise ValueError(f"denominator {values['denominator']:g} is negative")
    for level, lower, upper in (("", values["lower_ci"], values["upper_ci"]),
                                ("99.8% ", values["lower_ci_998"], values["upper_ci_998"])):
        if lower is not None and upper is not None and lower > upper:
            raise ValueError(f"lower {level}CI {lower:g} is above upper {level}CI {upper:g}")
    return values


def row_or_error(line: int, cells: dict[str, object]) -> SourceRow | RowError:
    """The row typed (`build_row`), or the error that says why it cannot be."""
    try:
        return build_row(line, cells)
    except ValueError as error:
        return RowError(line, str(error))

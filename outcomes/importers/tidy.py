"""A tidy table, one observation per row, as CSV or as the first sheet of an XLSX workbook.

Required columns: metric (its code), area_code, period and value. Optional: area_name, sex,
age, category_type, category, count, denominator, lower_ci, upper_ci, lower_ci_998,
upper_ci_998, parent_code, value_note, source.
Headings are matched ignoring case, spaces and underscores ("Area code" = "area_code").
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from . import (
    NO_ROWS,
    FileProblem,
    RowError,
    SourceRow,
    binary,
    csv_records,
    normalise_header,
    open_text,
    row_or_error,
)

COLUMNS = {
    "metric": "indicator",
    "metric code": "indicator",
    "area code": "area_code",
    "area name": "area_name",
    "area type": "area_type",
    "period": "period",
    "time period": "period",
    "value": "value",
    "sex": "sex",
    "age": "age",
    "category type": "category_type",
    "category": "category",
    "count": "count",
    "denominator": "denominator",
    "lower ci": "lower_ci",
    "upper ci": "upper_ci",
    "lower ci 998": "lower_ci_998",
    "upper ci 998": "upper_ci_998",
    "lower ci 99 8": "lower_ci_998",
    "upper ci 99 8": "upper_ci_998",
    "parent code": "parent_code",
    "value note": "value_note",
    "note": "value_note",
    "source": "source",
}
REQUIRED = {"indicator": "metric", "area_code": "area_code", "period": "period",
            "value": "value"}
# An XLSX is a zip: refuse one that would unpack to more than this, or that expands suspiciously.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200


def _rows(header: list, records: Iterable[tuple[int, list]]) -> Iterator[SourceRow | RowError]:
    names = [COLUMNS.get(normalise_header(h)) for h in header]
    missing = [label for field, label in REQUIRED.items() if field not in names]
    if missing:
        raise FileProblem(
            "the table has no " + ", ".join(f"'{m}'" for m in missing) + " column. "
            "Its first row must name the columns: metric, area_code, period, value."
        )
    width = len(header)
    read_any = False
    for line, record in records:
        if not record or all(cell is None or str(cell).strip() == "" for cell in record):
            continue
        read_any = True
        if len(record) > width and any(str(c).strip() for c in record[width:] if c is not None):
            yield RowError(line, f"the row has {len(record)} fields but the header has {width}")
            continue
        cells = {}
        for name, cell in zip(names, list(record) + [None] * (width - len(record)), strict=False):
            if name and cells.get(name) in (None, ""):
                cells[name] = cell
        yield row_or_error(line, cells)
    if not read_any:
        raise FileProblem(NO_ROWS)


def read_csv(data: bytes | BinaryIO) -> Iterator[SourceRow | RowError]:
    records = csv_records(open_text(data))
    try:
        _, header = next(records)
    except StopIteration:
        raise FileProblem("the file is empty") from None
    return _rows(header, records)


def check_xlsx(data: bytes | BinaryIO) -> None:
    """Refuses what is not an XLSX, and zip bombs dressed as one, before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(binary(data))
    except zipfile.BadZipFile:
        raise FileProblem(
            "this is not an Excel (.xlsx) workbook, or the workbook is damaged or incomplete"
        ) from None
    with archive:
        infos = archive.infolist()
        if "[Content_Types].xml" not in {i.filename for i in infos}:
            raise FileProblem("this is not an Excel (.xlsx) workbook")
        unpacked = sum(i.file_size for i in infos)
        packed = sum(max(i.compress_size, 1) for i in infos)
        if (unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO
                or len(infos) > MAX_PARTS):
            raise FileProblem(
                "the workbook unpacks to far more than its size: it is refused as unsafe"
            )


# Neither table has anything like this many columns: a row is never padded beyond it, however
# wide the sheet says it is.
MAX_COLUMNS = 200
MAX_PARTS = 10_000


def workbook_problem(error: BaseException) -> str | None:
    """Why a workbook cannot be read, in words, from whatever openpyxl or zipfile raised; None
    when it is none of the kinds we know."""
    causes = []
    while error is not None and len(causes) < 10:
        causes.append(error)
        error = error.__cause__ or error.__context__
    from defusedxml import DefusedXmlException  # with openpyxl, below

    if any(isinstance(e, DefusedXmlException) for e in causes):
        return ("the workbook holds XML entity or document type declarations, which Excel "
                "never writes: it is refused as unsafe")
    if any(isinstance(e, zipfile.BadZipFile | zlib.error | EOFError) for e in causes):
        return "the workbook is damaged: part of it cannot be unpacked. Save it again in Excel"
    if any(isinstance(e, ParseError) for e in causes):
        return "the workbook is damaged: its XML cannot be read. Save it again in Excel"
    return None


def _detail(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]


def workbook_rows(data: bytes | BinaryIO) -> Iterator[tuple[int, list]]:
    """(row number, cell values) for each row of the first sheet of an XLSX workbook: the
    heading row first, then each row as wide as the headings (wider only if it has more).
    Whatever cannot be read, at the start or in any row, is a FileProblem that says what and
    where: never a crash, and never a row padded to the million columns a sheet may claim."""
    stream = binary(data)
    check_xlsx(stream)
    stream.seek(0)
    try:
        # Here, not at the top: openpyxl (and numpy, which it loads) is only for workbooks,
        # and every process imports this module.
        from openpyxl import load_workbook

        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for bad files
        problem = workbook_problem(error) or f"the workbook cannot be opened: {_detail(error)}"
        raise FileProblem(problem) from None
    line = 0
    try:
        if not workbook.worksheets:
            raise FileProblem("the workbook has no sheets")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the size the sheet claims is not trusted: rows are read
        header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), None)
        if header is None:
            return
        line = 1
        header = _trimmed(header)
        yield 1, header
        width = len(header)
        rows = sheet.iter_rows(min_row=2, max_col=min(width + MAX_COLUMNS, 2 * MAX_COLUMNS),
                               values_only=True)
        for line, record in enumerate(rows, start=2):
            if record.count(None) == len(record):
                yield line, []  # a blank row (a sheet may have a million of them)
                continue
            tail = record[width:]
            yield line, list(record[:width]) if tail.count(None) == len(tail) else _trimmed(record)
    except FileProblem:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged part or a cell Excel never writes
        problem = workbook_problem(error) or (
            f"row {line + 1} of the first sheet cannot be read: a cell holds a value Excel "
            f"would not write ({_detail(error)}). Correct it in Excel and save it again"
        )
        raise FileProblem(problem) from None
    finally:
        workbook.close()


def _trimmed(record: tuple) -> list:
    """The cells up to the last one with a value."""
    end = len(record)
    while end and record[end - 1] is None:
        end -= 1
    return list(record[:end])


def read_xlsx(data: bytes | BinaryIO) -> Iterator[SourceRow | RowError]:
    rows = workbook_rows(data)
    try:
        _, header = next(rows)
    except StopIteration:
        raise FileProblem("the first sheet is empty") from None

    def records():
        for line, record in rows:
            yield line, [_cell(c) for c in record]

    return _rows(header, records())


def _cell(value):
    """Excel turns "Apr 2024" into 1 April 2024: the first of a month reads as that month.
    Any other date is passed on as ISO text, to be judged (and refused) as a period."""
    if isinstance(value, datetime | date):
        if not 1900 <= value.year <= 2100:
            return value.isoformat()[:10]  # far out of range: judged (and refused) as text
        midnight = not isinstance(value, datetime) or value.time() == datetime.min.time()
        if value.day == 1 and midnight:
            return value.strftime("%b %Y")
        if midnight and isinstance(value, datetime):
            return value.date().isoformat()
        return value.isoformat()
    return value


def read(data: bytes | BinaryIO, file_name: str) -> Iterator[SourceRow | RowError]:
    stream = binary(data)
    stream.seek(0)
    is_zip = stream.read(2) == b"PK"
    stream.seek(0)
    if file_name.lower().endswith((".xlsx", ".xlsm")) or is_zip:
        return read_xlsx(stream)
    return read_csv(stream)

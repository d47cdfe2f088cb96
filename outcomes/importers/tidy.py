"""A tidy table, one observation per row, as CSV or as the first sheet of an XLSX workbook.

Required columns: metric (its code), area_code, period and value. Optional: area_name, sex,
age, category_type, category, count, denominator, lower_ci, upper_ci, value_note, source.
Headings are matched ignoring case, spaces and underscores ("Area code" = "area_code").
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from . import (
    FileProblem,
    RowError,
    SourceRow,
    binary,
    build_row,
    csv_records,
    normalise_header,
    open_text,
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
    for line, record in records:
        if not record or all(cell is None or str(cell).strip() == "" for cell in record):
            continue
        if len(record) > width and any(str(c).strip() for c in record[width:] if c is not None):
            yield RowError(line, f"the row has {len(record)} fields but the header has {width}")
            continue
        cells = {}
        for name, cell in zip(names, list(record) + [None] * (width - len(record)), strict=False):
            if name and cells.get(name) in (None, ""):
                cells[name] = cell
        try:
            yield build_row(line, cells)
        except ValueError as error:
            yield RowError(line, str(error))


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
        raise FileProblem("this is not an Excel (.xlsx) workbook") from None
    with archive:
        infos = archive.infolist()
        if "[Content_Types].xml" not in {i.filename for i in infos}:
            raise FileProblem("this is not an Excel (.xlsx) workbook")
        unpacked = sum(i.file_size for i in infos)
        packed = sum(max(i.compress_size, 1) for i in infos)
        if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
            raise FileProblem(
                "the workbook unpacks to far more than its size: it is refused as unsafe"
            )


def read_xlsx(data: bytes | BinaryIO) -> Iterator[SourceRow | RowError]:
    from openpyxl import load_workbook

    stream = binary(data)
    check_xlsx(stream)
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for bad files
        raise FileProblem(f"the workbook cannot be opened: {error}") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = list(next(rows))
    except StopIteration:
        raise FileProblem("the first sheet is empty") from None

    def records():
        for line, record in enumerate(rows, start=2):
            yield line, [_cell(c) for c in record]
        workbook.close()

    return _rows(header, records())


def _cell(value):
    """Excel turns "Apr 2024" into 1 April 2024: the first of a month reads as that month.
    Any other date is passed on as ISO text, to be judged (and refused) as a period."""
    from datetime import date, datetime

    if isinstance(value, datetime | date):
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

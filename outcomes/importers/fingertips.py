"""The OHID Fingertips download CSV, in all the shapes real files come in.

Handled: the parent comparison column named after the parent area type; "Target data" in
older files where newer ones say "Compared to goal"; the newer "Time period range" column;
rows one field short of the header, or with empty fields after it; quoted fields with
newlines; CRLF line endings; a UTF-8 byte-order mark, UTF-16 ("Unicode text", tab separated)
or Windows-1252 text; suppressed values (empty, with a note, kept as null, never 0); values
marked not published ("*", "-", "[c]"...: kept as null with a note); fractional counts; every
sex, age and deprivation category as its own row. A file with headings and no rows, or rows
whose indicator id is not a whole number, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from . import (
    NO_ROWS,
    FileProblem,
    RowError,
    SourceRow,
    csv_records,
    normalise_header,
    open_text,
    row_or_error,
)

COLUMNS = {
    "indicator id": "indicator",
    "indicator name": "indicator_name",
    "area code": "area_code",
    "area name": "area_name",
    "area type": "area_type",
    "sex": "sex",
    "age": "age",
    "category type": "category_type",
    "category": "category",
    "time period": "period",
    "value": "value",
    "lower ci 95 0 limit": "lower_ci",
    "upper ci 95 0 limit": "upper_ci",
    "count": "count",
    "denominator": "denominator",
    "value note": "value_note",
    "parent code": "parent_code",
    "lower ci 99 8 limit": "lower_ci_998",
    "upper ci 99 8 limit": "upper_ci_998",
    "compared to england value or percentiles": "compared_england",
    "compared to england": "compared_england",
    "time period range": "period_range",
}


def column_for(name: str) -> str | None:
    """The field a normalised heading is read into, by name: the parent comparison column is
    named after the parent's area type ("Compared to Region", "Compared to Combined
    authorities value or percentiles"); the rest are fixed."""
    if name in COLUMNS:
        return COLUMNS[name]
    if name.startswith("compared to ") and name not in ("compared to goal",):
        return "compared_region"
    return None
REQUIRED = ["indicator id", "area code", "time period", "value"]
# Fingertips' ids are whole numbers; anything else (or a number too large for our column)
# cannot be matched to a metric or stored as one.
INDICATOR_ID = re.compile(r"[0-9]{1,9}")


def read(
    data: bytes | BinaryIO, *, source: str = "Fingertips (OHID)"
) -> Iterator[SourceRow | RowError]:
    records = csv_records(open_text(data))
    try:
        _, header = next(records)
    except StopIteration:
        raise FileProblem("the file is empty") from None
    names = [normalise_header(h) for h in header]
    missing = [r for r in REQUIRED if r not in names]
    if missing:
        raise FileProblem(
            "this is not a Fingertips download: it has no "
            + ", ".join(f"'{m.title()}'" for m in missing)
            + " column"
        )
    index = {}
    for i, name in enumerate(names):
        field = column_for(name)
        if field and field not in index:
            index[field] = i
    width = len(header)
    read_any = False
    for line, record in records:  # line: where the record ends
        if not record or all(not cell.strip() for cell in record):
            continue
        read_any = True
        if len(record) < width:
            record = record + [""] * (width - len(record))  # one field short: a known quirk
        elif len(record) > width:
            if any(cell.strip() for cell in record[width:]):
                yield RowError(line, f"the row has {len(record)} fields but the header has "
                               f"{width}")
                continue
            record = record[:width]  # empty trailing fields: a trailing comma, another quirk
        cells = {name: record[i] for name, i in index.items()}
        cells["source"] = source
        indicator = cells["indicator"].strip()
        if indicator and not INDICATOR_ID.fullmatch(indicator):
            yield RowError(line, f"indicator id {indicator[:20]!r} is not a Fingertips "
                           "indicator id (a whole number, like 92432)")
            continue
        yield row_or_error(line, cells)
    if not read_any:
        raise FileProblem(NO_ROWS)

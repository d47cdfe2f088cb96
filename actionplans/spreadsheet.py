"""An action plan as a spreadsheet, CSV or XLSX, one milestone a row: exported, kept in Excel,
imported back. Pure: no ORM, no request.

`read` yields, in file order, a `PlanRow` (every cell read and typed) or a `RowError` for each
row that is not blank; matching rows to objectives, partners, members and metrics needs the
database and is the importer service's job. Writing then reading a plan gives the same rows:
text that a spreadsheet would run as a formula is written with a leading quote, and reading
takes that quote off again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from outcomes.importers import (
    FileProblem,
    RowError,
    binary,
    csv_records,
    normalise_header,
    open_text,
    shown,
)
from outcomes.importers.tidy import workbook_rows
from partnerships.csvsafe import escape_formula, unescape_formula

from .choices import MilestoneStatus, Priority, Strand


@dataclass(frozen=True)
class PlanRow:
    line: int  # the row's number as a spreadsheet shows it (the header is 1); 0 for export
    milestone_id: int | None
    priority: str  # a Priority value or ""
    strand: str  # a Strand value or ""
    objective: str
    action_reference: str
    key_action: str
    responsible_partners: tuple[str, ...]  # organisation names, in file order, no duplicates
    lead: str  # a member's username or email, as written
    milestone: str
    due_date: date | None
    plan_year: int | None
    status: str  # a MilestoneStatus value
    progress: str
    progress_date: date | None
    evidence_link: str
    performance_measures: tuple[str, ...]  # metric codes
    version: int | None


# The export's headers, in order, with their XLSX column widths. Each names its PlanRow field.
LAYOUT = (
    ("Milestone ID", 12), ("Priority", 30), ("Strand", 10), ("Objective", 40),
    ("Action reference", 18), ("Key action", 50), ("Responsible partners", 30), ("Lead", 24),
    ("Milestone", 50), ("Due date", 12), ("Plan year", 10), ("Status", 12), ("Progress", 50),
    ("Progress date", 13), ("Evidence link", 30), ("Performance measures", 26), ("Version", 9),
)
COLUMNS = [header for header, _ in LAYOUT]
ALIASES = {
    "ID": "milestone_id", "Reference": "action_reference", "Action": "key_action",
    "Responsible partner(s)": "responsible_partners", "Partners": "responsible_partners",
    "Due": "due_date", "Year": "plan_year",
    "Progress note": "progress", "Progress update": "progress",
    "Measures": "performance_measures", "Performance measure(s)": "performance_measures",
    "Performance measure": "performance_measures", "Metrics": "performance_measures",
}
HEADERS = {normalise_header(c): normalise_header(c).replace(" ", "_") for c in COLUMNS} | {
    normalise_header(alias): field for alias, field in ALIASES.items()
}
REQUIRED = {"objective": "Objective", "key_action": "Key action", "milestone": "Milestone",
            "status": "Status"}
# The longest text each field keeps (its max_length in the models); the others have no limit.
LIMITS = {"objective": 300, "action_reference": 40, "key_action": 500, "lead": 150,
          "evidence_link": 500}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y")
LARGEST_ID = 2**31 - 1  # PostgreSQL's integer


def _lookup(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Each value, label and extra word, normalised -> the value."""
    words = [(value, value) for value in choices.values] + [
        (label, value) for value, label in choices.choices
    ]
    return {normalise_header(word): value for word, value in [*words, *(extra or {}).items()]}


PRIORITIES = _lookup(Priority, {
    "World class": "treatment", "Deliver a world class treatment system": "treatment",
    "Achieve a shift in the demand for drugs": "demand",
})
STRANDS = _lookup(Strand)
STATUSES = _lookup(MilestoneStatus, {
    "Completed": "complete", "Done": "complete",
    "Green": "on_track", "Amber": "at_risk", "Red": "off_track",
})


# Reading


def read(data: bytes | BinaryIO, file_name: str) -> Iterator[PlanRow | RowError]:
    """The rows of a CSV file or of an XLSX workbook's first sheet."""
    stream = binary(data)
    stream.seek(0)
    magic = stream.read(8)
    stream.seek(0)
    if file_name.lower().endswith(".xls") or magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileProblem("this is an old Excel (.xls) workbook: save it as .xlsx or CSV")
    if file_name.lower().endswith((".xlsx", ".xlsm")) or magic.startswith(b"PK"):
        return _read_xlsx(stream)
    return _read_csv(stream)


def _read_csv(stream: BinaryIO) -> Iterator[PlanRow | RowError]:
    # Rows are numbered as a spreadsheet numbers them: a note over several lines is one row.
    records = enumerate((record for _, record in csv_records(open_text(stream))), start=1)
    _, header = next(records, (0, None))
    if header is None:
        raise FileProblem("the file is empty")
    yield from _rows(header, records)


def _read_xlsx(stream: BinaryIO) -> Iterator[PlanRow | RowError]:
    rows = workbook_rows(stream)  # a damaged or unsafe workbook is a FileProblem, not a crash
    _, header = next(rows, (0, None))
    if header is None:
        raise FileProblem("the first sheet is empty")
    yield from _rows(header, rows)


def _rows(header: list, records: Iterable[tuple[int, list]]) -> Iterator[PlanRow | RowError]:
    names = [HEADERS.get(normalise_header(h)) for h in header]
    missing = [f"'{label}'" for field, label in REQUIRED.items() if field not in names]
    if "priority" not in names and "strand" not in names:
        missing.append("'Priority' or 'Strand'")
    if missing:
        raise FileProblem(
            f"the plan has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"Its first row must name the columns: {', '.join(COLUMNS)}."
        )
    width = len(header)
    read_any = False
    for line, record in records:
        if all(_text(cell) == "" for cell in record):
            continue
        read_any = True
        if len(record) > width and any(_text(cell) for cell in record[width:]):
            yield RowError(line, f"the row has {len(record)} fields but the header has {width}")
            continue
        cells = {}
        for name, cell in zip(names, record, strict=False):
            if name and _text(cells.get(name)) == "":
                cells[name] = cell
        try:
            yield _plan_row(line, cells)
        except ValueError as error:
            yield RowError(line, str(error))
    if not read_any:
        raise FileProblem("the plan has its column headings but no rows of milestones")


def _plan_row(line: int, cells: dict[str, object]) -> PlanRow:
    """Types one row's cells. Raises ValueError with the reason it cannot."""
    text = {name: _text(cells.get(name))[:limit] for name, limit in LIMITS.items()}
    text |= {name: _text(cells.get(name)) for name in ("milestone", "progress")}
    for name in ("objective", "key_action", "milestone"):
        if not text[name]:
            raise ValueError(f"the {name.replace('_', ' ')} is empty")
    priority = _choice(cells.get("priority"), "priority", PRIORITIES, Priority)
    strand = _choice(cells.get("strand"), "strand", STRANDS, Strand)
    if not priority and not strand:
        raise ValueError("give a priority, a strand or both")
    return PlanRow(
        line=line,
        milestone_id=_whole(cells.get("milestone_id"), "milestone ID"),
        priority=priority,
        strand=strand,
        responsible_partners=_list(cells.get("responsible_partners")),
        due_date=_date(cells.get("due_date"), "due date"),
        plan_year=_plan_year(cells.get("plan_year")),
        status=_choice(cells.get("status"), "status", STATUSES, MilestoneStatus)
        or MilestoneStatus.NOT_STARTED.value,
        progress_date=_date(cells.get("progress_date"), "progress date"),
        performance_measures=_list(cells.get("performance_measures")),
        version=_whole(cells.get("version"), "version"),
        **text,
    )


def _text(raw: object) -> str:
    """A cell as stripped text: 2024.0 (Excel's number) is '2024', and a quote put before
    a formula character on export is taken off."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime) and raw.time() == datetime.min.time():
        raw = raw.date()
    text = (raw.isoformat() if isinstance(raw, date) else str(raw)).strip()
    return unescape_formula(text)


def _choice(raw: object, column: str, table: dict[str, str], choices) -> str:
    text = _text(raw)
    if not text:
        return ""
    try:
        return table[normalise_header(text)]
    except KeyError:
        raise ValueError(
            f"{column} {text!r} is not one of: {', '.join(map(str, choices.labels))}"
        ) from None


def _whole(raw: object, column: str) -> int | None:
    text = _text(raw)
    if not text:
        return None
    match = re.fullmatch(r"(\d+)(?:\.0*)?", text)
    if not match:
        raise ValueError(f"{column} {shown(text)} is not a whole number")
    if len(match[1]) > 10 or int(match[1]) > LARGEST_ID:
        raise ValueError(f"{column} {shown(text)} is too large")
    return int(match[1])


def _plan_year(raw: object) -> int | None:
    text = _text(raw)
    if not text:
        return None
    match = re.fullmatch(r"(?:year\s*)?(\d{1,2})(?:\.0*)?(?:\s*\(.*\))?", text, re.IGNORECASE)
    if not match or not 1 <= int(match[1]) <= 10:
        raise ValueError(f"plan year {text!r} is not a whole number from 1 to 10")
    return int(match[1])


def _date(raw: object, column: str) -> date | None:
    if isinstance(raw, date):
        day = raw.date() if isinstance(raw, datetime) else raw
    else:
        text = _text(raw)
        if not text:
            return None
        for pattern in DATE_FORMATS:
            try:
                day = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"{column} {text!r} is not a date (use 31/03/2024 or 2024-03-31)")
    if not 1990 <= day.year <= 2100:
        raise ValueError(f"{column} {_text(raw)!r} is not between 1990 and 2100")
    return day


def _list(raw: object) -> tuple[str, ...]:
    """'A; B' or one a line: stripped, empties and repeats dropped, in order."""
    items = (item.strip() for item in re.split(r"[;\r\n]", _text(raw)))
    return tuple(dict.fromkeys(item for item in items if item))


# Writing


def row_values(row: PlanRow) -> list:
    """The cells of one row, in COLUMNS order, before any formula escaping."""

    def label(choices, value: str) -> str | None:
        return choices(value).label if value in choices.values else (value or None)

    return [
        row.milestone_id, label(Priority, row.priority), label(Strand, row.strand),
        row.objective or None, row.action_reference or None, row.key_action or None,
        "; ".join(row.responsible_partners) or None, row.lead or None, row.milestone or None,
        row.due_date, row.plan_year, label(MilestoneStatus, row.status), row.progress or None,
        row.progress_date, row.evidence_link or None,
        "; ".join(row.performance_measures) or None, row.version,
    ]


def write_csv(rows: Iterable[PlanRow]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens it right; dates as 2024-03-31."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            "" if value is None else value.isoformat() if isinstance(value, date)
            else escape_formula(value)
            for value in row_values(row)
        )
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Iterable[PlanRow], sheet_title: str = "Action plan") -> bytes:
    """One sheet: a bold, frozen header, then a row per milestone; dates as date cells."""
    # Here, not at the top: openpyxl (and numpy, which it loads) is only for a workbook, and
    # every process imports this module.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", sheet_title)[:31] or "Action plan")
    for index, (_, width) in enumerate(LAYOUT, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, header, bold) for header in COLUMNS])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row_values(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value: object, font=None):
    from openpyxl.cell import WriteOnlyCell  # as in write_xlsx
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):  # characters XML cannot hold go first: what is left is escaped
        value = escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula
    elif isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"
    if font:
        cell.font = font
    return cell

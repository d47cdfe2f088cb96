"""actionplans/spreadsheet.py: a plan written as CSV or XLSX reads back the same; forgiving
headers and values; every row problem and file problem. No database."""

import csv
import dataclasses
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from actionplans.spreadsheet import (
    COLUMNS,
    PlanRow,
    read,
    row_values,
    write_csv,
    write_xlsx,
)
from outcomes.importers import FileProblem, RowError


def plan_row(**changes) -> PlanRow:
    fields = dict(
        line=0, milestone_id=None, priority="supply", strand="", objective="Disrupt supply",
        action_reference="", key_action="Close county lines", responsible_partners=(),
        lead="", milestone="Ten lines closed", due_date=None, plan_year=None,
        status="not_started", progress="", progress_date=None, evidence_link="",
        performance_measures=(), version=None,
    )
    return PlanRow(**fields | changes)


ROWS = [
    plan_row(
        milestone_id=12, priority="supply", strand="pursue", objective="=SUM(A1)",
        action_reference="Café – Purs 1", key_action="-5 people reoffending",
        responsible_partners=("South Yorkshire Police", "Rotherham Council", "=HYPERLINK()"),
        lead="a.lead@example.org", milestone="@here: close ten lines", due_date=date(2024, 3, 31),
        plan_year=1, status="on_track", progress="Six closed.\nFour to go, \"on track\"",
        progress_date=date(2024, 1, 15), evidence_link="https://example.org/evidence?a=1,b=2",
        performance_measures=("numbers_in_treatment", "drug_deaths"), version=3,
    ),
    plan_row(milestone_id=13, priority="treatment", strand="", status="at_risk",
             objective="+44 more in treatment", key_action="'=already quoted", plan_year=2),
    plan_row(priority="demand", strand="prevent", status="off_track", plan_year=10,
             action_reference="2024", milestone="1.5", lead="jo"),
    plan_row(priority="", strand="prepare", status="complete", due_date=date(1990, 1, 1)),
    plan_row(priority="", strand="protect", status="closed", progress_date=date(2100, 12, 31)),
    plan_row(status="not_started", progress="''=two quotes", lead="'quoted",
             evidence_link="'+ a quote"),
]


def unnumbered(rows) -> list:
    assert all(isinstance(row, PlanRow) for row in rows), rows
    return [dataclasses.replace(row, line=0) for row in rows]


def csv_file(table: list[dict[str, str]], encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue().encode(encoding)


def xlsx_file(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cells(**changes) -> dict[str, str]:
    """A row of every column, valid, with some cells changed."""
    row = dict.fromkeys(COLUMNS, "")
    row |= {"Priority": "Supply", "Objective": "Disrupt supply", "Key action": "Close lines",
            "Milestone": "Ten closed", "Status": "On track"}
    return row | {name.replace("_", " ").capitalize(): value for name, value in changes.items()}


@pytest.mark.parametrize("write, name", [(write_csv, "plan.csv"), (write_xlsx, "plan.xlsx")])
def test_a_plan_written_reads_back_the_same(write, name):
    rows = list(read(write(ROWS), name))
    assert unnumbered(rows) == ROWS
    assert [row.line for row in rows] == [2, 3, 4, 5, 6, 7]


def test_a_file_object_reads_too():
    assert unnumbered(list(read(io.BytesIO(write_xlsx(ROWS)), "upload"))) == ROWS


def test_row_values_are_labels_dates_and_joined_lists():
    assert row_values(ROWS[0]) == [
        12, "Break drug supply chains", "Pursue", "=SUM(A1)", "Café – Purs 1",
        "-5 people reoffending", "South Yorkshire Police; Rotherham Council; =HYPERLINK()",
        "a.lead@example.org", "@here: close ten lines", date(2024, 3, 31), 1, "On track",
        "Six closed.\nFour to go, \"on track\"", date(2024, 1, 15),
        "https://example.org/evidence?a=1,b=2", "numbers_in_treatment; drug_deaths", 3,
    ]
    assert row_values(ROWS[1])[1:3] == [
        "Deliver a world-class treatment and recovery system", None]
    assert row_values(ROWS[5])[11] == "Not started"


def test_the_csv_has_a_byte_order_mark_the_headers_iso_dates_and_escaped_formulas():
    data = write_csv(ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    header, first, second, *_ = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert header == COLUMNS
    assert first[3] == "'=SUM(A1)" and first[5] == "'-5 people reoffending"
    assert first[8] == "'@here: close ten lines" and first[9] == "2024-03-31"
    assert second[3] == "'+44 more in treatment" and second[5] == "''=already quoted"
    assert data.count(b"'''=two quotes") == 1


def test_the_xlsx_has_a_bold_frozen_header_date_cells_and_no_formulas():
    sheet = load_workbook(io.BytesIO(write_xlsx(ROWS, "York: 2024/25"))).worksheets[0]
    assert sheet.title == "York  2024 25"
    assert [cell.value for cell in sheet[1]] == COLUMNS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width == 50
    due = sheet["J2"]
    assert due.value == datetime(2024, 3, 31) and due.number_format == "DD/MM/YYYY"
    assert sheet["D2"].value == "'=SUM(A1)" and sheet["D2"].data_type == "s"
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]


def test_characters_xml_cannot_hold_are_dropped_and_what_is_left_still_escaped():
    data = write_xlsx([plan_row(objective="\x01=cmd|' /C calc'!A0", progress="ok\x0b")])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["D2"].value == "'=cmd|' /C calc'!A0" and sheet["D2"].data_type == "s"
    assert [row.progress for row in read(data, "plan.xlsx")] == ["ok"]


def test_loose_headers_and_forgiving_values():
    data = (
        b"id,PRIORITY,strand,objective,reference,action,partners,lead,milestone,due,year,"
        b"status,progress_note,Progress date,evidence link,metrics,Version,Notes\n"
        b"12.0,world class,pursue,  Treat more  ,R1,Expand outreach,\"A; B;;A\nC\",jo,Reach 50,"
        b"31/03/2024,Year 2 (2023/24),Green,'-3 on last year,1 April 2024,,a; b,2.0,ignored\n"
        b"\n"
        b",Achieve a shift in the demand for drugs,,Schools,,Talks,,,Ten schools,1 Apr 2024,"
        b"year 3,done,,2024-04-02,,,,\n"
        b",Break drug supply chains,PREVENT,Lines,,Close,,,Two,,3.0,not_started,,,,,,\n"
        b",supply,,Lines,,Close,,,Three,,,,,,,,,\n"
    )
    rows = list(read(data, "plan.csv"))
    assert rows[0] == PlanRow(
        line=2, milestone_id=12, priority="treatment", strand="pursue", objective="Treat more",
        action_reference="R1", key_action="Expand outreach", responsible_partners=("A", "B", "C"),
        lead="jo", milestone="Reach 50", due_date=date(2024, 3, 31), plan_year=2,
        status="on_track", progress="-3 on last year", progress_date=date(2024, 4, 1),
        evidence_link="", performance_measures=("a", "b"), version=2,
    )
    assert (rows[1].line, rows[1].priority, rows[1].due_date, rows[1].plan_year,
            rows[1].status) == (4, "demand", date(2024, 4, 1), 3, "complete")
    assert (rows[2].strand, rows[2].plan_year, rows[2].status) == ("prevent", 3, "not_started")
    assert rows[3].status == "not_started"


def test_an_xlsx_with_excel_numbers_and_dates():
    data = xlsx_file([
        ["Milestone id", "Priority", "Objective", "Action reference", "Key action", "Milestone",
         "Due date", "Plan year", "Status", "Version"],
        [12.0, "Treatment", 2024.0, 7, "Outreach", "Reach 50", datetime(2024, 3, 31), 3.0,
         "Amber", 4],
        [None] * 10,
        [None, "Treatment", "Lines", None, "Close", "Two", None, 2.5, "Red", None],
    ])
    first, bad = read(data, "plan.xlsx")
    assert (first.milestone_id, first.objective, first.action_reference, first.due_date,
            first.plan_year, first.status, first.version) == (
        12, "2024", "7", date(2024, 3, 31), 3, "at_risk", 4)
    assert bad == RowError(4, "plan year '2.5' is not a whole number from 1 to 10")


@pytest.mark.parametrize("changes, reason", [
    ({"Milestone": " "}, "the milestone is empty"),
    ({"Objective": ""}, "the objective is empty"),
    ({"Key action": ""}, "the key action is empty"),
    ({"Status": "Amber-ish"},
     "status 'Amber-ish' is not one of: Not started, On track, At risk, Off track, Complete, "
     "Closed"),
    ({"Due date": "31/13/2023"},
     "due date '31/13/2023' is not a date (use 31/03/2024 or 2024-03-31)"),
    ({"Due date": "31/3/24"}, "due date '31/3/24' is not a date (use 31/03/2024 or 2024-03-31)"),
    ({"Due date": "31/12/1989"}, "due date '31/12/1989' is not between 1990 and 2100"),
    ({"Progress date": "yesterday"},
     "progress date 'yesterday' is not a date (use 31/03/2024 or 2024-03-31)"),
    ({"Plan year": "Year 11"}, "plan year 'Year 11' is not a whole number from 1 to 10"),
    ({"Plan year": "0"}, "plan year '0' is not a whole number from 1 to 10"),
    ({"Plan year": "Year one"}, "plan year 'Year one' is not a whole number from 1 to 10"),
    ({"Priority": "X"},
     "priority 'X' is not one of: Break drug supply chains, Deliver a world-class treatment "
     "and recovery system, Achieve a generational shift in demand for drugs"),
    ({"Strand": "Pursuit"}, "strand 'Pursuit' is not one of: Prepare, Prevent, Protect, Pursue"),
    ({"Milestone ID": "abc"}, "milestone ID 'abc' is not a whole number"),
    ({"Milestone ID": "-4"}, "milestone ID '-4' is not a whole number"),
    ({"Milestone ID": "99999999999"}, "milestone ID '99999999999' is too large"),
    ({"Version": "1.5"}, "version '1.5' is not a whole number"),
    ({"Priority": "", "Strand": ""}, "give a priority, a strand or both"),
])
def test_a_bad_row_is_reported_with_its_line_and_the_rest_are_read(changes, reason):
    rows = list(read(csv_file([cells(), cells() | changes, cells()]), "plan.csv"))
    assert rows[1] == RowError(3, reason)
    assert [type(row) for row in rows] == [PlanRow, RowError, PlanRow]


def test_a_row_with_more_fields_than_the_header():
    data = b"Priority,Objective,Key action,Milestone,Status\nsupply,a,b,c,,oops, more\n"
    assert list(read(data, "plan.csv")) == [
        RowError(2, "the row has 7 fields but the header has 5")]


def test_a_note_over_several_lines_counts_as_one_row():
    rows = list(read(write_csv([plan_row(progress="one\ntwo\nthree"), plan_row()]), "x.csv"))
    assert [row.line for row in rows] == [2, 3]


@pytest.mark.parametrize("header, named", [
    (["Priority", "Objective", "Key action", "Milestone"], "'Status' column."),
    (["Objective", "Action", "Milestone", "Status"], "'Priority' or 'Strand' column."),
    (["Strand", "Milestone"], "'Objective', 'Key action', 'Status' columns."),
])
def test_a_missing_required_column_is_named(header, named):
    with pytest.raises(FileProblem) as problem:
        list(read(",".join(header).encode() + b"\nsupply,a,b,c\n", "plan.csv"))
    assert named in str(problem.value)
    assert "must name the columns: Milestone ID, Priority, Strand" in str(problem.value)


@pytest.mark.parametrize("data, name, message", [
    (b"", "plan.csv", "the file is empty"),
    (b"\xef\xbb\xbf", "plan.csv", "the file is empty"),
    (xlsx_file([]), "plan.xlsx", "the first sheet is empty"),
    (b"PK\x03\x04 not really a zip", "plan.xlsx", "not an Excel"),
    (b"Objective,Milestone\n", "plan.xlsx", "not an Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old", "plan.xls", "save it as .xlsx or CSV"),
])
def test_files_that_cannot_be_read(data, name, message):
    with pytest.raises(FileProblem, match=message):
        list(read(data, name))


def test_a_zip_bomb_dressed_as_xlsx_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (50 * 1024 * 1024))
    with pytest.raises(FileProblem, match="refused as unsafe"):
        list(read(buffer.getvalue(), "bomb.xlsx"))


def test_windows_1252_as_excel_saves_it():
    data = csv_file([cells(Objective="Café – Purs 1", Lead="Zoë")], encoding="cp1252")
    (row,) = read(data, "plan.csv")
    assert (row.objective, row.lead) == ("Café – Purs 1", "Zoë")


def test_long_text_is_cut_to_the_model_lengths():
    (row,) = read(csv_file([cells(Objective="o" * 400, Action_reference="r" * 50)]), "x.csv")
    assert (len(row.objective), len(row.action_reference)) == (300, 40)

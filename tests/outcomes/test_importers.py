"""The file readers: every Fingertips quirk, tidy CSV and XLSX, each from a small file."""

import io

import pytest
from openpyxl import Workbook

from outcomes.importers import FileProblem, RowError, SourceRow, fingertips, tidy

HEADER = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
    "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to {parent} value or percentiles,"
    "Time period Sortable,New data,{goal}"
)


def fingertips_file(*rows: str, parent="Region", goal="Compared to goal", extra="",
                    newline="\r\n") -> str:
    header = HEADER.format(parent=parent, goal=goal) + extra
    return newline.join([header, *rows]) + newline


ROTHERHAM = ("92432,Deaths from drug misuse,E12000003,Yorkshire and The Humber,E08000018,"
             "Rotherham,Districts & UAs,Persons,All ages,,,2016 - 18,{value},4.8,7.7,,,{count},"
             "787000,{note},,Similar,Worse,20160000,,")


def read(text: str, encoding="utf-8") -> list:
    return list(fingertips.read(text.encode(encoding)))


def test_a_plain_row():
    [row] = read(fingertips_file(ROTHERHAM.format(value="6.1", count="48", note="")))
    assert isinstance(row, SourceRow)
    assert (row.indicator, row.area_code, row.period.label, row.value, row.count) == (
        "92432", "E08000018", "2016 - 18", 6.1, 48.0)
    assert (row.lower_ci, row.upper_ci, row.sex, row.age) == (4.8, 7.7, "Persons", "All ages")


@pytest.mark.parametrize("parent", ["Region", "County & UA", "Combined authorities"])
def test_parent_comparison_column_named_after_the_parent_area_type(parent):
    [row] = read(fingertips_file(ROTHERHAM.format(value="6.1", count="48", note=""),
                                 parent=parent))
    assert row.value == 6.1


def test_older_files_say_target_data_and_newer_add_time_period_range():
    older = fingertips_file(ROTHERHAM.format(value="6.1", count="48", note=""),
                            goal="Target data")
    newer = fingertips_file(ROTHERHAM.format(value="6.1", count="48", note="") + ",3y",
                            extra=",Time period range")
    assert [r.value for r in read(older)] == [6.1]
    assert [r.value for r in read(newer)] == [6.1]


def test_a_row_one_field_short_of_the_header_is_read():
    short = ROTHERHAM.format(value="6.1", count="48", note="").rsplit(",", 1)[0]
    [row] = read(fingertips_file(short))
    assert row.value == 6.1


def test_a_quoted_note_with_newlines_and_the_line_numbers_after_it():
    text = fingertips_file(
        ROTHERHAM.format(value="6.1", count="48", note='"first line\r\nsecond line"'),
        ROTHERHAM.format(value="abc", count="48", note=""),
    )
    first, second = read(text)
    assert first.value_note == "first line\r\nsecond line"
    assert second == RowError(4, "value 'abc' is not a number")


def test_lf_endings_a_byte_order_mark_and_cp1252():
    row = ROTHERHAM.format(value="6.1", count="48", note="Café – provisional")
    assert read(fingertips_file(row, newline="\n"))[0].value == 6.1
    assert read("\ufeff" + fingertips_file(row))[0].indicator == "92432"
    assert read(fingertips_file(row), encoding="cp1252")[0].value_note == "Café – provisional"


def test_a_suppressed_value_is_kept_as_null_with_its_note_never_zero():
    note = "Value cannot be calculated as number of cases is too small"
    row = ROTHERHAM.format(value="", count="", note=note).replace("4.8,7.7", ",")
    [parsed] = read(fingertips_file(row))
    assert parsed.value is None and parsed.count is None
    assert parsed.value_note == note


def test_fractional_counts_and_every_breakdown():
    rows = [
        ROTHERHAM.format(value="6.1", count="48.5", note=""),
        ROTHERHAM.format(value="7.0", count="30", note="").replace("Persons", "Male"),
        ROTHERHAM.format(value="5.1", count="18", note="").replace(
            ",,,2016", ",Deprivation deciles,Most deprived decile,2016"),
    ]
    parsed = read(fingertips_file(*rows))
    assert parsed[0].count == 48.5
    assert [(r.sex, r.category_type, r.category) for r in parsed] == [
        ("Persons", "", ""), ("Male", "", ""),
        ("Persons", "Deprivation deciles", "Most deprived decile"),
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("2016 - 18", "next year"), "the time period cannot be read"),
        (("6.1,4.8,7.7", "6.1,8.8,7.7"), "lower CI 8.8 is above upper CI 7.7"),
        (("787000", "-5"), "denominator -5 is negative"),
        (("E08000018", "Rotherham"), "is not an ONS code"),
        (("6.1,", "NaN,"), "is not a finite number"),
        (("6.1,", "1e400,"), "is not a finite number"),
    ],
)
def test_bad_rows_are_reported_with_their_line(change, reason):
    row = ROTHERHAM.format(value="6.1", count="48", note="").replace(*change)
    [error] = read(fingertips_file(row))
    assert isinstance(error, RowError) and error.line == 2
    assert reason in error.reason


def test_negative_count():
    [error] = read(fingertips_file(ROTHERHAM.format(value="6.1", count="-3", note="")))
    assert error.reason == "count -3 is negative"


def test_a_file_that_is_not_a_fingertips_download():
    with pytest.raises(FileProblem, match="not a Fingertips download"):
        read("metric,area_code,period,value\r\nx,E08000018,2020,1\r\n")


def test_tidy_csv_with_loose_headings():
    text = ("Metric,Area code,Period,Value,Lower CI,Upper CI,Count,Note\n"
            "numbers_in_treatment,E08000018,2022/23,2153,,,,\n"
            "numbers_in_treatment,E08000018,2021/22,,,,,provisional\n"
            "numbers_in_treatment,E08000018,2020/21,1.5e3,,,,\n")
    rows = list(tidy.read(text.encode(), "plan.csv"))
    assert [(r.period.label, r.value, r.value_note) for r in rows] == [
        ("2022/23", 2153.0, ""), ("2021/22", None, "provisional"), ("2020/21", 1500.0, "")]


def test_tidy_csv_missing_a_required_column():
    with pytest.raises(FileProblem, match="'period'"):
        list(tidy.read(b"metric,area_code,value\nx,E08000018,1\n", "x.csv"))


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_tidy_xlsx():
    from datetime import datetime

    data = xlsx([
        ["metric", "area_code", "period", "value", "count"],
        ["numbers_in_treatment", "E08000018", "2022/23", 2153, 2153],
        # Excel turns "Apr 2023" typed in a cell into 1 April 2023.
        ["numbers_in_treatment", "E08000018", datetime(2023, 4, 1), 2200, None],
        ["numbers_in_treatment", "E08000018", datetime(2023, 4, 15), 2210, None],
        [None, None, None, None, None],
        ["numbers_in_treatment", "E08000018", "2021/22", "n/a", None],
    ])
    rows = list(tidy.read(data, "figures.xlsx"))
    assert rows[0].value == 2153 and rows[0].line == 2
    assert rows[1].period.label == "Apr 2023" and rows[1].value == 2200
    assert isinstance(rows[2], RowError) and rows[2].line == 4
    assert "'2023-04-15' is not a time period" in rows[2].reason
    assert rows[3] == RowError(6, "value 'n/a' is not a number")


def test_a_zip_bomb_dressed_as_xlsx_is_refused_before_unpacking():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (50 * 1024 * 1024))
    with pytest.raises(FileProblem, match="refused as unsafe"):
        list(tidy.read(buffer.getvalue(), "bomb.xlsx"))


def test_something_that_is_not_a_workbook():
    with pytest.raises(FileProblem, match="not an Excel"):
        list(tidy.read(b"PK\x03\x04 not really a zip", "fake.xlsx"))

"""Writes the hostile-input corpus in this folder: `python tests/hostile/build.py`.

The files are checked in; this script says exactly how each was made, and makes the binary
ones (workbooks, broken zips) byte for byte the same each time. Each file is small: anything
large (a 200 MB upload, a zip bomb, a line of a million characters) is made at test time by
tests/test_hostile_input.py. README.md lists what each file tests.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

HERE = Path(__file__).parent

# --- Fingertips downloads -------------------------------------------------------------------
FINGERTIPS_HEADER = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal", "Time period range",
]
DEATHS = "Deaths from drug misuse"


def fingertips_row(period, value, *, sex="Persons", count="", denominator="", note="",
                   lower="", upper="", indicator="92432", name=DEATHS, area="E08000018",
                   area_name="Rotherham", area_type="Districts & UAs (from Apr 2023)",
                   category_type="", category="", trailing=None) -> list[str]:
    row = [indicator, name, "E12000003", "Yorkshire and The Humber", area, area_name,
           area_type, sex, "All ages", category_type, category, period, value, lower, upper,
           "", "", count, denominator, note, "Cannot be calculated", "Similar", "Similar",
           period[:4] + "0000", "", "", "3y"]
    return row if trailing is None else row[:trailing]


def csv_text(rows: list[list[str]], *, newline="\r\n", delimiter=",") -> str:
    def field(value: str) -> str:
        if any(c in value for c in f'"{delimiter}\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(field(v) for v in row) + newline for row in rows)


def fingertips_quirks() -> bytes:
    rows = [
        FINGERTIPS_HEADER,
        # England and the region come with every download: benchmarks, skipped for a partnership.
        fingertips_row("2019 - 21", "5.0", area="E92000001", area_name="England",
                       area_type="England", count="8000", denominator="160,000,000"),
        fingertips_row("2019 - 21", "6.1", area="E12000003", area_name="Yorkshire and The Humber",
                       area_type="Regions (statistical)"),
        # Thousands separators inside quotes; a CI; spaces around cells.
        fingertips_row("2019 - 21", " 6.5 ", count="52", denominator="795,000", lower="5.1",
                       upper="8.2"),
        fingertips_row("2019 - 21", "9.8", sex="Male", count="38", denominator="391,000"),
        # Suppressed as Fingertips does it: no value, a note.
        fingertips_row("2019 - 21", "", sex="Female",
                       note="Value suppressed for disclosure control due to small count"),
        # Suppressed as other releases do it: * and -.
        fingertips_row("2016 - 18", "*", sex="Female", count="*"),
        fingertips_row("2013 - 15", "-", sex="Female", count="-"),
        [],  # a blank line
        [""] * len(FINGERTIPS_HEADER),  # a line of commas
        # One field short of the header (no "Time period range").
        fingertips_row("2016 - 18", "6.0", count="47", trailing=-1),
        # A quoted note over two lines, with a comma in it.
        fingertips_row("2013 - 15", "4.2", count="33",
                       note="Provisional,\nsee the data quality statement"),
        # Another indicator, a calendar year, a deprivation breakdown.
        fingertips_row("2021", "5.2", indicator="90244",
                       name="Successful completion of drug treatment: opiate users",
                       category_type="Deprivation deciles", category="Most deprived decile"),
        # Many decimal places; empty trailing fields after the last column.
        fingertips_row("2010 - 12", "5.123456789", count="40") + ["", ""],
    ]
    return b"\xef\xbb\xbf" + csv_text(rows).encode()


def fingertips_unicode_text() -> bytes:
    """What Excel's "Save as Unicode Text" makes of a download: UTF-16 with tabs."""
    rows = [FINGERTIPS_HEADER, fingertips_row("2019 - 21", "6.5", note="Café, provisional")]
    return csv_text(rows, delimiter="\t").encode("utf-16")


def fingertips_windows_1252() -> bytes:
    rows = [FINGERTIPS_HEADER,
            fingertips_row("2019 - 21", "6.5", note="Provisional – £2m café funding")]
    return csv_text(rows).encode("cp1252")


def fingertips_header_only() -> bytes:
    return csv_text([FINGERTIPS_HEADER]).encode()


def fingertips_bad_indicator_ids() -> bytes:
    rows = [FINGERTIPS_HEADER,
            fingertips_row("2019 - 21", "6.5", indicator="1" + "0" * 400),
            fingertips_row("2019 - 21", "6.5", indicator="9999999999"),
            fingertips_row("2019 - 21", "6.5", indicator="\u00b2"),  # "²": isdigit() says yes
            fingertips_row("2019 - 21", "6.5", indicator="92432.5")]
    return csv_text(rows).encode()


def fingertips_html_names() -> bytes:
    rows = [FINGERTIPS_HEADER,
            fingertips_row("2019 - 21", "6.5", indicator="93999",
                           name="<script>alert('indicator')</script>",
                           note="<img src=x onerror=alert('note')>")]
    return csv_text(rows).encode()


# --- Tidy tables ----------------------------------------------------------------------------
TIDY = ["metric", "area_code", "period", "value", "area_name", "value_note", "source",
        "category_type", "category"]


def tidy(*rows: list[str]) -> bytes:
    return csv_text([TIDY, *rows]).encode()


def tidy_row(period: str, value: str, note: str = "", *, area_name="Rotherham", source="",
             category_type="", category="", metric="numbers_in_treatment") -> list[str]:
    return [metric, "E08000018", period, value, area_name, note, source, category_type,
            category]


def html_script() -> bytes:
    return tidy(tidy_row("2019/20", "1", "<script>alert('note')</script>",
                         area_name="<b>Rotherham</b>", source="<iframe src=//evil>",
                         category_type="<svg onload=alert(1)>", category="</td><script>"))


def formula_text() -> bytes:
    return tidy(
        tidy_row("2019/20", "1", '=HYPERLINK("http://evil.example","click")'),
        tidy_row("2018/19", "2", "+cmd|' /C calc'!A0", source="@SUM(1+1)"),
        tidy_row("2017/18", "3", "-2+3", area_name="\tRotherham"),
    )


def formula_in_value() -> bytes:
    return tidy(tidy_row("2019/20", "=1+1"), tidy_row("2018/19", "@SUM(A1)"))


def huge_numbers() -> bytes:
    return tidy(
        tidy_row("2019/20", "1" + "0" * 400),  # 10**400
        tidy_row("2018/19", "1e400"),
        tidy_row("2017/18", "-1e309"),
        tidy_row("2016/17", "12345678901234567890"),
    )


def nan_and_infinity() -> bytes:
    values = ["NaN", "nan", "inf", "-inf", "Infinity", "-Infinity", "#DIV/0!", "#N/A"]
    return tidy(*(tidy_row(f"{2010 + i}/{11 + i}", v) for i, v in enumerate(values)))


def dates_out_of_range() -> bytes:
    periods = ["0001-01-01", "9999-12-31", "31/02/2023", "2023-02-31", "9999/00", "1066"]
    return tidy(*(tidy_row(p, "1") for p in periods))


def invalid_utf8() -> bytes:
    """UTF-8 text with one byte that cannot be UTF-8 (or anything else) in a note."""
    return (tidy(tidy_row("2019/20", "1", "Café"))
            + b"numbers_in_treatment,E08000018,2018/19,2,Rotherham,bad \xff byte,,,\r\n")


def undecodable() -> bytes:
    """Bytes that are text in neither UTF-8 nor Windows-1252 (0x81, 0x8d are unassigned)."""
    return tidy() + b"numbers_in_treatment,E08000018,2019/20,1,Rotherham,\x81\x8d,,,\r\n"


def semicolons() -> bytes:
    return b"metric;area_code;period;value\r\nnumbers_in_treatment;E08000018;2019/20;41,5\r\n"


def nul_after_a_while() -> bytes:
    good = tidy(*(tidy_row(f"Apr {2000 + i}", str(i)) for i in range(100)))
    return good + b"numbers_in_treatment,E08000018,2019/20,1,\x00\x00\x00,,,,\r\n"


def web_page() -> bytes:
    return (b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>Fingertips | Public health "
            b"data</title></head><body><script>alert('x')</script><p>Sorry, something went "
            b"wrong.</p></body></html>\n")


def binary_junk() -> bytes:
    rng = random.Random(2024)
    return bytes(rng.randrange(256) for _ in range(4096))


def png_named_csv() -> bytes:
    """A 1x1 PNG image: what a user gets choosing the wrong file."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def old_excel() -> bytes:
    """The start of an Excel 97-2003 (.xls) file: an OLE2 compound document."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"Workbook" + bytes(100)


# --- Workbooks, written part by part so that they can hold what Excel never writes ---------
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (f'{XML}<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
          "</cellXfs></styleSheet>")


def workbook(sheet: str, *, strings: str | None = None) -> bytes:
    """An XLSX of one sheet, from the sheet's XML (and the shared strings' XML)."""
    types = ('<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxml'
             'formats-officedocument.spreadsheetml.sheet.main+xml"/>')
    relations = (f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" '
                 'Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{OFFICE}/styles" Target="styles.xml"/>')
    if strings:
        types += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        relations += (f'<Relationship Id="rId3" Type="{OFFICE}/sharedStrings" '
                      'Target="sharedStrings.xml"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def write(name: str, text: str) -> None:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text,
                             compress_type=zipfile.ZIP_DEFLATED)

        write("[Content_Types].xml",
              f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
              f'content-types">{types}</Types>')
        write("_rels/.rels", f'{XML}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                             f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
                             "</Relationships>")
        write("xl/workbook.xml", f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
                                 '<sheet name="Figures" sheetId="1" r:id="rId1"/></sheets>'
                                 "</workbook>")
        write("xl/_rels/workbook.xml.rels",
              f'{XML}<Relationships xmlns="{RELS}">{relations}</Relationships>')
        write("xl/styles.xml", STYLES)
        if strings:
            write("xl/sharedStrings.xml", strings)
        write("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def cell(ref: str, value) -> str:
    """A cell: text as an inline string; ("n", "1e400"), ("d", "0001-01-01"),
    ("date", 99999999) (a number formatted as a date), ("f", "1+1", "2") (a formula and the
    value Excel cached), ("s", 0) (a shared string)."""
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    kind, raw, *cached = value
    if kind == "n":
        return f'<c r="{ref}"><v>{raw}</v></c>'
    if kind == "date":
        return f'<c r="{ref}" s="1"><v>{raw}</v></c>'
    if kind == "d":
        return f'<c r="{ref}" t="d"><v>{raw}</v></c>'
    if kind == "s":
        return f'<c r="{ref}" t="s"><v>{raw}</v></c>'
    if kind == "f":
        return f'<c r="{ref}"><f>{raw}</f><v>{cached[0]}</v></c>'
    if kind == "fs":  # a formula whose cached value is text
        return f'<c r="{ref}" t="str"><f>{raw}</f><v>{cached[0]}</v></c>'
    raise ValueError(kind)


def sheet(rows: list[list], *, doctype: str = "", dimension: str = "") -> str:
    body = "".join(
        f'<row r="{r}">' + "".join(cell(f"{'ABCDEFGHIJ'[c]}{r}", v)
                                   for c, v in enumerate(row) if v is not None) + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    size = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'{XML}{doctype}<worksheet xmlns="{MAIN}">{size}<sheetData>{body}</sheetData>'
            "</worksheet>")


HEAD = ["metric", "area_code", "period", "value", "value_note"]


def figures(period, value, note=None) -> list:
    return ["numbers_in_treatment", "E08000018", period, value, note]


# Ten of the entity before in each: &lol9; is a billion "lol"s, from a few hundred bytes.
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
          + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
          + "]>")


def billion_laughs_in_sheet() -> bytes:
    return workbook(sheet([HEAD, figures("2019/20", ("n", 1), "&lol9;")], doctype=LAUGHS)
                    .replace("&amp;lol9;", "&lol9;"))


def billion_laughs_in_strings() -> bytes:
    strings = (f'{XML}{LAUGHS}<sst xmlns="{MAIN}" count="1" uniqueCount="1">'
               "<si><t>&lol9;</t></si></sst>")
    return workbook(sheet([HEAD, figures("2019/20", ("n", 1), ("s", 0))]), strings=strings)


def external_entity() -> bytes:
    doctype = '<!DOCTYPE sheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return workbook(sheet([HEAD, figures("2019/20", ("n", 1), "&xxe;")], doctype=doctype)
                    .replace("&amp;xxe;", "&xxe;"))


def valid_workbook_sheet() -> str:
    return sheet([HEAD, *(figures(f"Apr {1900 + i}", ("n", i)) for i in range(200))],
                 dimension="A1:E201")


def valid_workbook() -> bytes:
    return workbook(valid_workbook_sheet())


def truncated_workbook() -> bytes:
    data = valid_workbook()
    return data[: len(data) // 2]


def damaged_workbook() -> bytes:
    """The zip's directory is intact; the sheet's compressed bytes are not."""
    data = bytearray(valid_workbook())
    start = data.find(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml") + 40
    for i in range(start, start + 24):
        data[i] ^= 0x5A
    return bytes(data)


def broken_xml_workbook() -> bytes:
    """Well-formed until row 150: the sheet claims its size first, so openpyxl opens it."""
    return workbook(valid_workbook_sheet().replace('<row r="150">', '<row r="150"><oops>'))


def workbook_dates() -> bytes:
    return workbook(sheet([
        HEAD,
        figures(("d", "0001-01-01T00:00:00"), ("n", 1)),
        figures(("d", "9999-12-31T00:00:00"), ("n", 2)),
        figures(("date", 99999999), ("n", 3)),  # past 9999-12-31: Excel shows ####
        figures(("date", -1), ("n", 4)),  # before 1900
    ]))


def workbook_impossible_date() -> bytes:
    return workbook(sheet([HEAD, figures("2019/20", ("n", 1)),
                           figures(("d", "2023-02-31"), ("n", 2))]))


def workbook_numbers() -> bytes:
    return workbook(sheet([
        HEAD,
        figures("2019/20", ("n", "1" + "0" * 400)),
        figures("2018/19", ("n", "1e308")),
        figures("2017/18", ("n", "1E+400")),
        figures("2016/17", "#DIV/0!"),
    ]))


def workbook_nan_cell() -> bytes:
    return workbook(sheet([HEAD, figures("2019/20", ("n", "NaN"))]))


def workbook_formulas() -> bytes:
    return workbook(sheet([
        HEAD,
        figures("2019/20", ("f", "1+1", "2"), '=HYPERLINK("http://evil.example","x")'),
        figures("2018/19", ("f", "SUM(A1:A2)", "3"), ("fs", "CONCAT(\"=\",\"1\")", "=1")),
    ]))


def workbook_header_only() -> bytes:
    return workbook(sheet([HEAD]))


def workbook_far_cells() -> bytes:
    """A sheet that claims a million rows and every column, with cells far out."""
    rows = sheet([HEAD, figures("2019/20", ("n", 1))], dimension="A1:XFD1048576")
    rows = rows.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                        "<is><t>far</t></is></c></row></sheetData>")
    return workbook(rows)


def zip_not_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("figures.csv", date_time=(2024, 1, 1, 0, 0, 0)),
                         tidy(tidy_row("2019/20", "1")))
    return buffer.getvalue()


# --- Action plans ---------------------------------------------------------------------------
PLAN = ["Milestone ID", "Priority", "Strand", "Objective", "Key action", "Milestone",
        "Due date", "Status", "Progress"]


def plan(*rows: list[str]) -> bytes:
    return csv_text([PLAN, *rows]).encode()


def plan_row(milestone="Ten lines closed", due="31/03/2024", progress="", *, ident="",
             objective="Disrupt supply", action="Close county lines") -> list:
    return [ident, "Supply", "Pursue", objective, action, milestone, due, "On track", progress]


def plan_dates() -> bytes:
    return plan(plan_row("A", "0001-01-01"), plan_row("B", "9999-12-31"),
                plan_row("C", "31/02/2023"), plan_row("D", "2023-02-31"))


def plan_hostile_text() -> bytes:
    return plan(plan_row("<script>alert('milestone')</script>", progress="=HYPERLINK(\"x\")",
                         objective="@SUM(1+1)", action="<img src=x onerror=alert(1)>"))


def plan_huge_ids() -> bytes:
    return plan(plan_row("A", ident="1" + "0" * 400), plan_row("B", ident="NaN"),
                plan_row("C", ident="-1"))


def plan_header_only() -> bytes:
    return plan()


def plan_impossible_date() -> bytes:
    """A plan workbook whose second milestone is due on 31 February (a date cell)."""
    return workbook(sheet([PLAN, plan_row("A", ("d", "2024-03-31")),
                           plan_row("B", ("d", "2023-02-31"))]))


FILES = {
    "fingertips_quirks.csv": fingertips_quirks,
    "fingertips_unicode_text.csv": fingertips_unicode_text,
    "fingertips_windows_1252.csv": fingertips_windows_1252,
    "fingertips_header_only.csv": fingertips_header_only,
    "fingertips_bad_indicator_ids.csv": fingertips_bad_indicator_ids,
    "fingertips_html_names.csv": fingertips_html_names,
    "html_script.csv": html_script,
    "formula_text.csv": formula_text,
    "formula_in_value.csv": formula_in_value,
    "huge_numbers.csv": huge_numbers,
    "nan_and_infinity.csv": nan_and_infinity,
    "dates_out_of_range.csv": dates_out_of_range,
    "invalid_utf8.csv": invalid_utf8,
    "undecodable.csv": undecodable,
    "semicolons.csv": semicolons,
    "nul_after_a_while.csv": nul_after_a_while,
    "web_page.csv": web_page,
    "binary_junk.csv": binary_junk,
    "png_named.csv": png_named_csv,
    "old_excel.xls": old_excel,
    "empty.csv": lambda: b"",
    "billion_laughs_sheet.xlsx": billion_laughs_in_sheet,
    "billion_laughs_strings.xlsx": billion_laughs_in_strings,
    "external_entity.xlsx": external_entity,
    "truncated.xlsx": truncated_workbook,
    "damaged_zip.xlsx": damaged_workbook,
    "broken_xml.xlsx": broken_xml_workbook,
    "csv_named.xlsx": lambda: tidy(tidy_row("2019/20", "1")),
    "zip_not_workbook.xlsx": zip_not_workbook,
    "workbook_dates.xlsx": workbook_dates,
    "workbook_impossible_date.xlsx": workbook_impossible_date,
    "workbook_numbers.xlsx": workbook_numbers,
    "workbook_nan_cell.xlsx": workbook_nan_cell,
    "workbook_formulas.xlsx": workbook_formulas,
    "workbook_header_only.xlsx": workbook_header_only,
    "workbook_far_cells.xlsx": workbook_far_cells,
    "plan_dates.csv": plan_dates,
    "plan_hostile_text.csv": plan_hostile_text,
    "plan_huge_ids.csv": plan_huge_ids,
    "plan_header_only.csv": plan_header_only,
    "plan_impossible_date.xlsx": plan_impossible_date,
}


def main() -> None:
    for name, make in FILES.items():
        data = make()
        assert len(data) < 100 * 1024, (name, len(data))
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()

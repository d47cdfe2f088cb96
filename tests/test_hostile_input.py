"""Hostile input: every file of tests/hostile/ (its README.md says what each one tests) through
the upload page, the API and the action-plan import, and what is too large to keep in the
repository (a 200 MB upload, a zip bomb, a line of a million characters) made at test time.

Each case gets a clear error that names the problem, or is read as it should be. None gets a
500 (the test client raises it), a partial write (observations and milestones are counted
before and after) or a hang (a timeout fails the test). The last test puts HTML and script in
every text field people can type and finds it escaped on every page, in the chart JSON, and
left as plain data in the CSV and JSON outputs.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from actionplans.models import Milestone
from outcomes.models import ImportBatch, Metric, Observation

CORPUS = Path(__file__).parent / "hostile"
UPLOAD = "/partnerships/rotherham/data/imports/new/"
PLAN_UPLOAD = "/partnerships/rotherham/plan/import/"
API = "/api/v1/imports/"

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(60)]


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants


@dataclass(frozen=True)
class Case:
    file: str
    format: str = "tidy"  # as chosen on the form: fingertips or tidy
    refused: str = ""  # the file is refused whole, with these words
    rejected: tuple[tuple[int, str], ...] = ()  # or these rows are, each for these words
    inserted: int = 0  # or it is read, and applying it adds this many observations
    create_missing_metrics: bool = False

    def __str__(self) -> str:
        return f"{self.file}-{self.format}"


def rows(*reasons: tuple[int, str]) -> tuple[tuple[int, str], ...]:
    return reasons


NOT_A_WORKBOOK = "not an Excel (.xlsx) workbook"
UNSAFE = "refused as unsafe"
EMPTY = "The submitted file is empty"  # Django's and DRF's own words

CASES = [
    # Fingertips downloads, in every shape they come in.
    Case("fingertips_quirks.csv", "fingertips", inserted=9),
    Case("fingertips_unicode_text.csv", "fingertips", inserted=1),
    Case("fingertips_windows_1252.csv", "fingertips", inserted=1),
    Case("fingertips_header_only.csv", "fingertips",
         refused="the file has its column headings but no rows of figures"),
    Case("fingertips_bad_indicator_ids.csv", "fingertips", create_missing_metrics=True,
         rejected=rows(*((line, "is not a Fingertips indicator id") for line in (2, 3, 4, 5)))),
    Case("fingertips_html_names.csv", "fingertips", create_missing_metrics=True, inserted=1),
    Case("web_page.csv", "fingertips", refused="this is a web page (HTML or XML), not a CSV"),
    Case("png_named.csv", "fingertips", refused="it holds binary data, not text"),
    Case("old_excel.xls", "fingertips", refused="this is an old Excel (.xls) workbook"),
    Case("zip_not_workbook.xlsx", "fingertips",
         refused="this is an Excel workbook or another zip file, not a CSV file"),
    # Encodings.
    Case("invalid_utf8.csv", refused="the file mixes text encodings: line 3 has a byte (0xff)"),
    Case("undecodable.csv", refused="line 2 has a byte (0x81) that is neither UTF-8 nor "
                                    "Windows-1252"),
    Case("semicolons.csv", refused="the columns are separated by semicolons"),
    Case("nul_after_a_while.csv", refused="line 102 holds a NUL byte"),
    Case("binary_junk.csv", refused="it holds binary data, not text"),
    Case("old_excel.xls", refused="this is an old Excel (.xls) workbook"),
    Case("empty.csv", refused=EMPTY),
    # What people type.
    Case("html_script.csv", inserted=1),
    Case("formula_text.csv", inserted=3),
    Case("formula_in_value.csv", rejected=rows((2, "value '=1+1' is not a number"),
                                               (3, "value '@SUM(A1)' is not a number"))),
    Case("huge_numbers.csv", rejected=rows(
        (2, "value '10000000000000000000…' (401 characters) is not a finite number: it is "
            "too large"),
        (3, "value '1e400' is not a finite number: it is too large"),
        (4, "value '-1e309' is not a finite number: it is too large"),
        (5, "value '12345678901234567890' is too large"))),
    Case("nan_and_infinity.csv", rejected=rows(
        (2, "value 'NaN' is not a finite number"), (3, "value 'nan' is not a finite number"),
        (4, "value 'inf' is not a finite number"), (5, "value '-inf' is not a finite number"),
        (6, "value 'Infinity' is not a finite number"),
        (7, "value '-Infinity' is not a finite number"),
        (8, "value '#DIV/0!' is not a number"), (9, "value '#N/A' is not a number"))),
    Case("dates_out_of_range.csv", rejected=rows(
        (2, "'0001-01-01' is not a time period we can read"),
        (3, "'9999-12-31' is not a time period we can read"),
        (4, "'31/02/2023' is not a time period we can read"),
        (5, "'2023-02-31' is not a time period we can read"),
        (6, "year 9999 is out of range"), (7, "year 1066 is out of range"))),
    # Workbooks: unsafe, damaged, or holding what Excel never writes.
    Case("billion_laughs_sheet.xlsx", refused=UNSAFE),
    Case("billion_laughs_strings.xlsx", refused=UNSAFE),
    Case("external_entity.xlsx", refused=UNSAFE),
    Case("truncated.xlsx", refused="the workbook is damaged or incomplete"),
    Case("damaged_zip.xlsx", refused="the workbook is damaged: part of it cannot be unpacked"),
    Case("broken_xml.xlsx", refused="the workbook is damaged: its XML cannot be read"),
    Case("csv_named.xlsx", refused=NOT_A_WORKBOOK),
    Case("zip_not_workbook.xlsx", refused=NOT_A_WORKBOOK),
    Case("workbook_dates.xlsx", rejected=rows(
        (2, "'0001-01-01' is not a time period"), (3, "'9999-12-31' is not a time period"),
        (4, "'#VALUE!' is not a time period"), (5, "'1899-12-29' is not a time period"))),
    Case("workbook_impossible_date.xlsx",
         refused="row 3 of the first sheet cannot be read: a cell holds a value Excel would "
                 "not write (day is out of range for month)"),
    Case("workbook_numbers.xlsx", rejected=rows(
        (2, "(401 characters) is too large"), (3, "value '1e+308' is too large"),
        (4, "value 'inf' is not a finite number"), (5, "value '#DIV/0!' is not a number"))),
    Case("workbook_nan_cell.xlsx", refused="row 2 of the first sheet cannot be read"),
    Case("workbook_formulas.xlsx", inserted=2),
    Case("workbook_header_only.xlsx",
         refused="the file has its column headings but no rows of figures"),
    Case("workbook_far_cells.xlsx", inserted=1),
]


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def test_every_file_of_the_corpus_is_small_listed_and_tested():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".xls")}
    readme = (CORPUS / "README.md").read_text()
    assert all(len(corpus(name)) < 100 * 1024 for name in files)
    assert [name for name in sorted(files) if f"`{name}`" not in readme] == []
    tested = {case.file for case in CASES} | {case.file for case in PLAN_CASES}
    assert sorted(files - tested) == []


# --- The upload page ------------------------------------------------------------------------
def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_upload_page(client, tenants, case):
    client.force_login(tenants.users["a_analyst"])
    before = Observation.objects.count()
    response = client.post(UPLOAD, {
        "file": SimpleUploadedFile(case.file, corpus(case.file)), "format": case.format,
        "create_missing_metrics": "on" if case.create_missing_metrics else "",
    }, follow=True)
    assert response.status_code == 200
    text = page_text(response)
    assert Observation.objects.count() == before  # checked, never applied on the way
    if case.refused:
        assert case.refused.lower() in text.lower()
        return
    batch = ImportBatch.objects.get(file_name=case.file, partnership=tenants.a)
    assert batch.status == "preview", batch.failure
    for _line, words in case.rejected:
        assert words in text
    assert batch.rejected == len(case.rejected)
    if case.rejected:
        return
    applied = client.post(reverse("outcomes:import_detail", args=["rotherham", batch.pk]),
                          follow=True)
    assert f"Imported: {case.inserted} new" in page_text(applied)
    assert Observation.objects.count() == before + case.inserted


# --- The API --------------------------------------------------------------------------------
def api_client(tenants) -> APIClient:
    api = APIClient()
    api.force_authenticate(tenants.users["a_analyst"])
    return api


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_api(tenants, case):
    api = api_client(tenants)
    before = Observation.objects.count()
    response = api.post(API, {
        "partnership": "rotherham", "format": case.format,
        "create_missing_metrics": case.create_missing_metrics,
        "file": SimpleUploadedFile(case.file, corpus(case.file)),
    }, format="multipart")
    body = response.json()
    if case.refused:
        assert response.status_code == 400, body
        assert case.refused.lower() in " ".join(body["file"]).lower()
        assert Observation.objects.count() == before
        return
    assert response.status_code == 201, body
    if case.rejected:
        assert (body["status"], body["rejected"]) == ("preview", len(case.rejected))
        problems = api.get(body["problems_url"]).json()["results"]
        for (line, words), problem in zip(case.rejected, problems, strict=True):
            assert problem["line"] == line and words in problem["reason"]
        assert Observation.objects.count() == before
        return
    assert (body["status"], body["inserted"]) == ("complete", case.inserted)
    assert Observation.objects.count() == before + case.inserted


def test_what_the_quirks_file_holds_once_imported(tenants):
    api_client(tenants).post(API, {
        "partnership": "rotherham", "format": "fingertips",
        "file": SimpleUploadedFile("q.csv", corpus("fingertips_quirks.csv"))}, format="multipart")
    rows = {(o.period_label, o.sex, o.category): o for o in Observation.objects.filter(
        partnership=tenants.a, metric__fingertips_id__in=[92432, 90244])}
    assert rows["2019 - 21", "Persons", ""].value == 6.5
    assert rows["2019 - 21", "Persons", ""].denominator == 795000
    assert rows["2019 - 21", "Female", ""].value is None
    assert rows["2016 - 18", "Female", ""].value_note == "Not published in the source (*)"
    assert rows["2013 - 15", "Persons", ""].value_note == (
        "Provisional,\nsee the data quality statement")
    assert rows["2021", "Persons", "Most deprived decile"].value == 5.2
    assert not Observation.objects.filter(area_code__in=["E92000001", "E12000003"]).exists()


@pytest.mark.parametrize("name, note", [
    ("fingertips_unicode_text.csv", "Café, provisional"),
    ("fingertips_windows_1252.csv", "Provisional – £2m café funding"),
])
def test_other_encodings_keep_their_text(tenants, name, note):
    api_client(tenants).post(API, {"partnership": "rotherham", "format": "fingertips",
                                   "file": SimpleUploadedFile(name, corpus(name))},
                             format="multipart")
    assert Observation.objects.get(partnership=tenants.a, period_label="2019 - 21").value_note \
        == note


def test_formula_text_is_quoted_in_every_csv_it_reaches(client, tenants):
    import csv

    from outcomes.services import summaries_recompute

    api = api_client(tenants)
    api.post(API, {"partnership": "rotherham", "format": "tidy",
                   "file": SimpleUploadedFile("f.csv", corpus("formula_text.csv"))},
             format="multipart")
    summaries_recompute(partnership_ids=[tenants.a.pk])  # the chart's CSV reads the summaries
    client.force_login(tenants.users["a_viewer"])
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None).pk
    for url in ("/api/v1/observations/?format=csv",
                reverse("metric_csv", args=["rotherham", metric])):
        response = client.get(url) if "api" not in url else api.get(url)
        text = (b"".join(response.streaming_content) if response.streaming
                else response.content).decode("utf-8-sig")
        cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
        assert {"'=HYPERLINK(\"http://evil.example\",\"click\")", "'+cmd|' /C calc'!A0",
                "'-2+3"} <= cells, url
        assert not {c for c in cells if c[:1] in ("=", "+", "@", "\t")}, url


# --- Made at test time: too large to keep ---------------------------------------------------
def zip_bomb(megabytes: int = 100) -> bytes:
    """An XLSX-shaped zip of a few hundred KB that would unpack to `megabytes` of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                sheet.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_on_the_page_the_api_and_the_plan_import(client, tenants):
    bomb = zip_bomb()
    assert len(bomb) < 256 * 1024  # checked in the request, not by a worker
    client.force_login(tenants.users["a_analyst"])
    page = client.post(UPLOAD, {"file": SimpleUploadedFile("figures.xlsx", bomb),
                                "format": "tidy"}, follow=True)
    assert UNSAFE in page_text(page)
    response = api_client(tenants).post(API, {
        "partnership": "rotherham", "format": "tidy",
        "file": SimpleUploadedFile("figures.xlsx", bomb)}, format="multipart")
    assert response.status_code == 400 and UNSAFE in response.json()["file"][0]
    client.force_login(tenants.users["a_lead"])
    plan = client.post(PLAN_UPLOAD, {"file": SimpleUploadedFile("plan.xlsx", bomb)})
    assert plan.status_code == 200 and UNSAFE in page_text(plan)


def test_a_line_without_end_is_refused_not_held_in_memory(
        tenants, django_capture_on_commit_callbacks):
    data = (b"metric,area_code,period,value\n" + b"1," * 700_000 + b"\n")
    api = api_client(tenants)
    with django_capture_on_commit_callbacks(execute=True):  # over 256 KB: a task checks it
        response = api.post(API, {"partnership": "rotherham", "format": "tidy",
                                  "file": SimpleUploadedFile("long.csv", data)},
                            format="multipart")
    assert response.status_code == 202
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert batch.status == "failed"
    assert "line 2 is longer than 1 million characters" in batch.failure


class HugeBody:
    """A request body that says it is `size` bytes: a multipart head, then zeros made as they
    are read. Reading more than a little of it fails the test."""

    def __init__(self, head: bytes, size: int):
        self.head, self.size, self.served = head, size, 0

    def read(self, size: int = -1) -> bytes:
        size = self.size - self.served if size is None or size < 0 else size
        assert self.served + size <= 8 * 1024 * 1024, "the oversized body is being read"
        start, self.served = self.served, min(self.served + size, self.size)
        data = self.head[start:self.served]
        return data + bytes(self.served - start - len(data))

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - multipart never asks
        return self.read(size)


BOUNDARY = "----hostile-input-boundary"
MEGABYTE = 1024 * 1024


def oversized(fields: dict[str, str], file_field: str, file_name: str, size: int) -> dict:
    head = "".join(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                   f"{value}\r\n" for name, value in fields.items())
    head += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; '
             f'filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n')
    body = HugeBody(head.encode(), size)
    return {"wsgi.input": body, "CONTENT_LENGTH": str(size),
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}"}


def csrf_token(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def test_a_200_mb_upload_is_refused_for_its_size_before_it_is_read(tenants):
    client = Client(enforce_csrf_checks=True)  # the token before the file is still read
    client.force_login(tenants.users["a_analyst"])
    environ = oversized({"csrfmiddlewaretoken": csrf_token(client, UPLOAD)}, "file",
                        "fingertips.csv", 200 * MEGABYTE)
    response = client.generic("POST", UPLOAD, **environ)
    assert response.status_code == 200  # the form again, with its error
    text = page_text(response)
    assert "The file is 200 MB; the largest accepted is 100 MB" in text
    assert "govuk-error-summary" in text and "govuk-error-message" in text
    assert "Select what kind of file it is" not in text  # the size is the one thing to fix
    assert environ["wsgi.input"].served < MEGABYTE
    assert not ImportBatch.objects.filter(file_name="fingertips.csv").exists()


def test_a_200_mb_upload_to_the_api_is_a_400_before_it_is_read(tenants):
    environ = oversized({"partnership": "rotherham", "format": "fingertips"}, "file",
                        "fingertips.csv", 200 * MEGABYTE)
    response = api_client(tenants).generic("POST", API, content_type=environ.pop("CONTENT_TYPE"),
                                           **environ)
    assert response.status_code == 400
    assert response.json() == {"file": ["The file must be smaller than 100 MB."]}
    assert environ["wsgi.input"].served < MEGABYTE
    assert not ImportBatch.objects.filter(file_name="fingertips.csv").exists()


def test_a_200_mb_plan_or_evidence_upload_is_refused_before_it_is_read(tenants):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenants.users["a_lead"])
    environ = oversized({"csrfmiddlewaretoken": csrf_token(client, PLAN_UPLOAD)}, "file",
                        "plan.xlsx", 200 * MEGABYTE)
    page = page_text(client.generic("POST", PLAN_UPLOAD, **environ))
    assert "The file is 200 MB; the largest accepted is 100 MB" in page
    assert environ["wsgi.input"].served < MEGABYTE

    milestone = tenants.milestones["a"]
    url = reverse("actionplans:milestone_progress", args=["rotherham", milestone.pk])
    fields = {"csrfmiddlewaretoken": csrf_token(client, url), "version": str(milestone.version),
              "status": "on_track", "progress_note": "Minutes attached"}
    environ = oversized(fields, "evidence_file", "minutes.pdf", 150 * MEGABYTE)
    page = page_text(client.generic("POST", url, **environ))
    assert "The file is 150 MB; the largest accepted is 20 MB" in page
    assert environ["wsgi.input"].served < MEGABYTE
    milestone.refresh_from_db()
    assert milestone.progress_note != "Minutes attached"


def test_a_200_mb_body_with_no_file_in_it_is_not_read_either(tenants):
    client = Client()
    client.force_login(tenants.users["a_analyst"])
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="format"\r\n\r\n'
            "tidy").encode()  # and then 200 MB of one field's value
    body = HugeBody(head, 200 * MEGABYTE)
    response = client.generic("POST", UPLOAD, **{
        "wsgi.input": body, "CONTENT_LENGTH": str(body.size),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}"})
    assert response.status_code == 400  # Django's RequestDataTooBig
    assert body.served <= 4 * MEGABYTE


def test_the_limit_is_on_the_request_and_the_form_keeps_its_own(client, tenants, settings,
                                                                  monkeypatch):
    from outcomes import forms

    settings.MAX_UPLOAD_BYTES = MEGABYTE  # refused unread over 2 MB (1 MB and its envelope)
    monkeypatch.setattr(forms, "MAX_FILE_BYTES", MEGABYTE)
    client.force_login(tenants.users["a_analyst"])

    def upload(name: str, data: bytes):
        return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), "format": "tidy"},
                           follow=True)

    upload("small.csv", corpus("html_script.csv"))
    assert ImportBatch.objects.get(file_name="small.csv").status == "preview"
    read = upload("read.csv", b"x" * (MEGABYTE + MEGABYTE // 2))  # read, then refused
    unread = upload("unread.csv", b"x" * 3 * MEGABYTE)  # refused unread
    assert "The file is 2 MB; the largest accepted is 1 MB" in page_text(read)
    assert "The file is 3 MB; the largest accepted is 1 MB" in page_text(unread)
    assert not ImportBatch.objects.filter(file_name__in=["read.csv", "unread.csv"]).exists()


# --- The action-plan import -----------------------------------------------------------------
@dataclass(frozen=True)
class PlanCase:
    file: str
    refused: str = ""
    rejected: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.file


PLAN_CASES = [
    PlanCase("plan_dates.csv", rejected=(
        "due date '0001-01-01' is not between 1990 and 2100",
        "due date '9999-12-31' is not between 1990 and 2100",
        "due date '31/02/2023' is not a date", "due date '2023-02-31' is not a date")),
    PlanCase("plan_huge_ids.csv", rejected=(
        "milestone ID '10000000000000000000…' (401 characters) is too large",
        "milestone ID 'NaN' is not a whole number", "milestone ID '-1' is not a whole number")),
    PlanCase("plan_hostile_text.csv"),
    PlanCase("plan_header_only.csv", refused="the plan has its column headings but no rows"),
    PlanCase("empty.csv", refused=EMPTY),
    PlanCase("binary_junk.csv", refused="it holds binary data"),
    PlanCase("png_named.csv", refused="it holds binary data"),
    PlanCase("web_page.csv", refused="this is a web page"),
    PlanCase("invalid_utf8.csv", refused="the file mixes text encodings"),
    PlanCase("undecodable.csv", refused="neither UTF-8 nor Windows-1252"),
    PlanCase("semicolons.csv", refused="separated by semicolons"),
    PlanCase("old_excel.xls", refused="this is an old Excel (.xls) workbook"),
    PlanCase("fingertips_unicode_text.csv", refused="the plan has no 'Objective'"),
    PlanCase("billion_laughs_sheet.xlsx", refused=UNSAFE),
    PlanCase("billion_laughs_strings.xlsx", refused=UNSAFE),
    PlanCase("external_entity.xlsx", refused=UNSAFE),
    PlanCase("truncated.xlsx", refused="damaged or incomplete"),
    PlanCase("damaged_zip.xlsx", refused="part of it cannot be unpacked"),
    PlanCase("csv_named.xlsx", refused=NOT_A_WORKBOOK),
    PlanCase("zip_not_workbook.xlsx", refused=NOT_A_WORKBOOK),
    PlanCase("plan_impossible_date.xlsx",
             refused="row 3 of the first sheet cannot be read: a cell holds a value Excel would "
                     "not write (day is out of range for month)"),
]


@pytest.mark.parametrize("case", PLAN_CASES, ids=str)
def test_the_plan_import(client, tenants, case):
    client.force_login(tenants.users["a_lead"])
    before = Milestone.objects.count(), [m.version for m in Milestone.objects.order_by("pk")]
    response = client.post(PLAN_UPLOAD, {"file": SimpleUploadedFile(case.file,
                                                                     corpus(case.file))},
                           follow=True)
    assert response.status_code == 200
    text = page_text(response)
    assert (Milestone.objects.count(), [m.version for m in Milestone.objects.order_by("pk")]) \
        == before  # a preview at most: nothing is applied
    if case.refused:
        assert case.refused.lower() in text.lower()
        assert "govuk-error-message" in response.content.decode()
        return
    assert "What importing this file would do" in text
    for words in case.rejected:
        assert words in text
    if not case.rejected:
        assert "<script>alert" not in response.content.decode()
        assert "&lt;script&gt;alert(&#x27;milestone&#x27;)&lt;/script&gt;" in \
            response.content.decode() or "Milestones added" in text


# --- HTML and script in every text field ----------------------------------------------------
def payload(field: str) -> str:
    return f"<script>alert('{field}')</script>"


def in_json_script(text: str) -> str:
    """How Django's json_script writes a string inside a page."""
    return json.dumps(text)[1:-1].replace("<", "\\u003C").replace(">", "\\u003E")


def test_html_and_script_in_every_text_field_is_escaped_everywhere(tenants):
    from django.contrib.auth import get_user_model

    from outcomes.models import Annotation, FrameworkMetric, ImportRowProblem, LocalAim, Target
    from outcomes.services import summaries_recompute
    from partnerships.models import KeyDocument, NamedRole, Organisation, Partnership, SubGroup

    a = tenants.a
    fields = {}

    def typed(model, pk, **values):
        model.objects.filter(pk=pk).update(**values)
        fields.update({f"{model.__name__}.{name}": value for name, value in values.items()})

    typed(Partnership, a.pk, name=payload("Partnership.name"),
          reports_to=payload("Partnership.reports_to"),
          terms_of_reference=payload("Partnership.terms_of_reference"))
    typed(Organisation, Organisation.objects.get(partnership=a).pk,
          name=payload("Organisation.name"))
    typed(NamedRole, NamedRole.objects.get(partnership=a).pk, holder=payload("NamedRole.holder"),
          job_title=payload("NamedRole.job_title"))
    typed(SubGroup, SubGroup.objects.get(partnership=a).pk, name=payload("SubGroup.name"),
          purpose=payload("SubGroup.purpose"))
    typed(KeyDocument, KeyDocument.objects.get(partnership=a).pk,
          title=payload("KeyDocument.title"))
    typed(get_user_model(), tenants.users["a_lead"].pk, first_name=payload("User.first_name"))
    typed(LocalAim, LocalAim.objects.get(partnership=a).pk, name=payload("LocalAim.name"))
    local = Metric.objects.get(owner=a, code="digital_iba")
    typed(Metric, local.pk, name=payload("Metric.name"), source=payload("Metric.source"))
    FrameworkMetric.objects.create(partnership=a, metric=local, order=2,
                                   aim=LocalAim.objects.get(partnership=a))
    typed(Target, Target.objects.get(partnership=a).pk,
          description=payload("Target.description"), source=payload("Target.source"))
    typed(Annotation, tenants.annotations["a"].pk, text=payload("Annotation.text"))
    observation = Observation.objects.get(partnership=a)
    typed(Observation, observation.pk, value_note=payload("Observation.value_note"),
          source=payload("Observation.source"), area_name=payload("Observation.area_name"))
    Observation.objects.create(
        partnership=a, metric=local, area_code="E08000018", period_label="2022/23",
        period_start=observation.period_start, period_end=observation.period_end,
        period_year_type="financial", period_sortable=20220000, value=15000,
        batch=tenants.batches["a"])
    typed(ImportBatch, tenants.batches["a"].pk, file_name=payload("ImportBatch.file_name"),
          failure=payload("ImportBatch.failure"))
    ImportBatch.objects.filter(pk=tenants.batches["a"].pk).update(status="failed")
    checked = ImportBatch.objects.create(partnership=a, created_by=tenants.users["a_analyst"],
                                         file_name="checked.csv", format="tidy",
                                         status="preview", rejected=1)
    ImportRowProblem.objects.create(batch=checked, line=2, kind="rejected",
                                    reason=payload("ImportRowProblem.reason"))
    fields["ImportRowProblem.reason"] = payload("ImportRowProblem.reason")
    summaries_recompute(partnership_ids=[a.pk])
    # The reference data's text, on the compare page and in the API.
    from outcomes.models import ReferenceFigure
    from tests.outcomes.reference_figures import make_reference

    make_reference(["numbers_in_treatment"], [2022])
    ReferenceFigure.objects.filter(area_code="E08000019").update(
        area_name=payload("ReferenceFigure.area_name"),
        trend_label=payload("ReferenceFigure.trend_label"),
        source=payload("ReferenceFigure.source"))
    fields.update({name: payload(name) for name in (
        "ReferenceFigure.area_name", "ReferenceFigure.trend_label", "ReferenceFigure.source")})

    client = Client()
    client.force_login(tenants.users["a_admin"])
    in_treatment = Metric.objects.get(code="numbers_in_treatment", owner=None).pk
    batch = tenants.batches["a"].pk
    pages = [
        reverse("dashboard", args=["rotherham"]), reverse("spine", args=["rotherham"]),
        reverse("compare"), reverse("compare_metric", args=[in_treatment]),
        reverse("partnerships:overview", args=["rotherham"]),
        reverse("partnerships:members", args=["rotherham"]),
        reverse("outcomes:imports", args=["rotherham"]),
        reverse("outcomes:import_detail", args=["rotherham", batch]),
        reverse("outcomes:import_detail", args=["rotherham", checked.pk]),
        reverse("outcomes:framework", args=["rotherham"]),
        reverse("outcomes:observation_new", args=["rotherham"]),
        reverse("outcomes:target_new", args=["rotherham"]),
        reverse("actionplans:plan", args=["rotherham"]),
        reverse("actionplans:report", args=["rotherham"]) + "?year=1",
        reverse("actionplans:milestone", args=["rotherham", tenants.milestones["a"].pk]),
        "/api/v1/partnerships/rotherham/?format=api", "/api/v1/metrics/?format=api",
        *(reverse(name, args=["rotherham", in_treatment, tenants.annotations["a"].pk])
          for name in ("annotation_edit", "annotation_delete")),
    ] + [reverse("metric", args=["rotherham", pk]) for pk in (in_treatment, local.pk)]
    data = [
        reverse("outcomes:import_problems_csv", args=["rotherham", checked.pk]),
        reverse("plan_progress_csv", args=["rotherham"]),
        reverse("actionplans:report_csv", args=["rotherham"]) + "?year=1",
        *(reverse("metric_csv", args=["rotherham", pk]) for pk in (in_treatment, local.pk)),
        *(f"/api/v1/{resource}/{suffix}" for resource in (
            "partnerships", "metrics", "observations", "summaries", "targets", "imports",
            "annotations", "reference")
          for suffix in ("", "?format=csv")),
    ]
    escaped, scripts, raw = "", "", ""
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html"), url
        body = response.content.decode()
        assert "<script>alert(" not in body, url  # never as markup, in any page
        escaped += body
        scripts += "".join(re.findall(r'<script [^>]*type="application/json"[^>]*>(.*?)</script>',
                                      body, re.DOTALL))
    for url in data:
        response = client.get(url)
        assert response.status_code == 200, url
        kind = response["Content-Type"]
        assert kind.startswith(("text/csv", "application/json")), (url, kind)
        assert response["X-Content-Type-Options"] == "nosniff", url  # never sniffed as HTML
        raw += b"".join(response.streaming_content).decode() if response.streaming \
            else response.content.decode()

    # In a page, every field shows escaped; in a chart's JSON, < and > are \u003C and \u003E.
    # A target's source is shown on no page, only in the CSV and JSON outputs; an
    # observation's source is kept and shown nowhere yet.
    data_only, shown_nowhere = {"Target.source"}, {"Observation.source"}
    assert [name for name, text in fields.items() if name not in data_only | shown_nowhere
            and escape(text) not in escaped and in_json_script(text) not in scripts] == []
    assert in_json_script(payload("Metric.name")) in scripts
    assert "<" not in scripts  # json_script leaves nothing a browser could end the script on
    # In CSV and JSON the text is data, kept as typed (JSON escapes nothing a parser needs).
    for name in (*data_only, "Metric.name", "Observation.value_note", "Target.description",
                 "ImportRowProblem.reason", "Partnership.name", "ImportBatch.file_name",
                 "Annotation.text", "ReferenceFigure.area_name", "ReferenceFigure.source"):
        assert fields[name] in raw or json.dumps(fields[name])[1:-1] in raw, name

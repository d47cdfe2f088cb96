"""outcomes/forms.py: what each form cleans for its service, and its message for each bad
input."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes import services
from outcomes.forms import (
    AnnotationForm,
    FrameworkMetricForm,
    ImportCommitForm,
    ImportUploadForm,
    LocalAimForm,
    LocalMetricForm,
    ObservationEntryForm,
    TargetForm,
)
from outcomes.models import LocalAim, Metric
from partnerships.uploads import RefusedUpload

MB = 1024 * 1024


def errors(form) -> dict:
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


def csv_file(name="figures.csv", size=None):
    upload = SimpleUploadedFile(name, b"metric,area_code,period,value\n")
    if size is not None:
        upload.size = size
    return upload


# --- Imports -------------------------------------------------------------------------------
def test_an_upload_is_cleaned_for_import_start():
    upload = csv_file()
    form = ImportUploadForm({"format": "tidy"}, {"file": upload})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"file": upload, "format": "tidy",
                                 "create_missing_metrics": False}
    ticked = ImportUploadForm({"format": "fingertips", "create_missing_metrics": "on"},
                              {"file": csv_file()})
    assert ticked.is_valid() and ticked.cleaned_data["create_missing_metrics"] is True


def test_an_upload_says_what_is_missing():
    assert errors(ImportUploadForm({}, {})) == {
        "file": ["Select a file to upload"], "format": ["Select what kind of file it is"]}
    assert errors(ImportUploadForm({"format": "xml"}, {"file": csv_file()})) == {
        "format": ["Select a valid choice. xml is not one of the available choices."]}


def test_a_file_over_100_mb_is_refused_with_its_size():
    form = ImportUploadForm({"format": "tidy"}, {"file": csv_file(size=100 * MB + 1)})
    assert errors(form) == {"file": ["The file is 100.0 MB; the largest accepted is 100 MB"]}
    form = ImportUploadForm({"format": "tidy"}, {"file": csv_file(size=250 * MB)})
    assert errors(form) == {"file": ["The file is 250 MB; the largest accepted is 100 MB"]}


def test_a_file_refused_before_it_was_read_takes_the_fields_after_it_with_it():
    """The fields after a refused file never arrived (partnerships/uploads.py): only its size
    is reported."""
    refused = RefusedUpload(name="huge.csv", content_type="text/csv", size=300 * MB)
    assert errors(ImportUploadForm({}, {"file": refused})) == {
        "file": ["The file is 300 MB; the largest accepted is 100 MB"]}


def test_applying_an_import_with_rejected_rows_needs_the_users_say_so():
    assert ImportCommitForm({}, rejected=0).is_valid()
    assert errors(ImportCommitForm({}, rejected=2)) == {"accept_valid": [
        "Confirm that you want to leave out the rejected rows, or fix the file"]}
    accepted = ImportCommitForm({"accept_valid": "on"}, rejected=2)
    assert accepted.is_valid() and accepted.cleaned_data == {"accept_valid": True}


# --- A value entered by hand ---------------------------------------------------------------
def entry_form(data, metrics=None):
    return ObservationEntryForm(data, metrics=metrics or Metric.objects.all(),
                                areas=[("E08000018", "Rotherham (E08000018)")])


@pytest.mark.django_db
def test_a_value_is_cleaned_for_observation_enter(tenants):
    in_treatment = Metric.objects.get(code="numbers_in_treatment", owner=None)
    form = entry_form({"metric": in_treatment.pk, "area_code": "E08000018",
                       "period": " 2023/24 ", "value": "41.5", "count": "12"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"metric": in_treatment, "area_code": "E08000018",
                                 "period": "2023/24", "value": 41.5, "count": 12.0,
                                 "value_note": "", "source": ""}
    batch = services.observation_enter(partnership=tenants.a, user=tenants.users["a_analyst"],
                                       **form.cleaned_data)
    assert batch.inserted == 1


@pytest.mark.django_db
def test_a_value_entered_by_hand_says_what_is_wrong(tenants):
    assert errors(entry_form({})) == {
        "metric": ["Choose the metric"], "area_code": ["Choose the area"],
        "period": ["Enter the time period"],
        "value": ["Enter the value, or a note saying why there is none"]}
    in_treatment = Metric.objects.get(code="numbers_in_treatment", owner=None)
    base = {"metric": in_treatment.pk, "area_code": "E08000018", "period": "2023/24"}
    assert errors(entry_form({**base, "value": "1", "count": "-1"})) == {
        "count": ["A count cannot be negative"]}
    assert errors(entry_form({**base, "value": "1", "count": "a few"})) == {
        "count": ["Enter the count as a number"]}
    assert list(errors(entry_form({**base, "value": "1", "area_code": "E06000005"}))) == [
        "area_code"]
    # A metric the form was not offered is not accepted either.
    offered = Metric.objects.exclude(pk=in_treatment.pk)
    assert list(errors(entry_form({**base, "value": "1"}, offered))) == ["metric"]
    # No value, but a note saying why: accepted as it is.
    noted = entry_form({**base, "value_note": "Suppressed: fewer than 5"})
    assert noted.is_valid() and noted.cleaned_data["value"] is None


@pytest.mark.django_db
def test_a_value_that_is_not_a_number_gets_one_message(tenants):
    in_treatment = Metric.objects.get(code="numbers_in_treatment", owner=None)
    form = entry_form({"metric": in_treatment.pk, "area_code": "E08000018",
                       "period": "2023/24", "value": "twelve"})
    assert errors(form) == {"value": ["Enter the value as a number, like 12 or 41.5"]}


# --- The local framework -------------------------------------------------------------------
def test_an_aim_needs_a_name():
    assert errors(LocalAimForm({"name": ""})) == {"name": ["Enter the name of the aim"]}
    form = LocalAimForm({"name": "Fewer deaths"}, partnership=None)
    assert form.is_valid() and form.cleaned_data == {"name": "Fewer deaths"}


@pytest.mark.django_db
def test_a_framework_metric_is_one_offered_under_an_aim_of_the_partnerships(tenants):
    metrics = Metric.objects.filter(owner=tenants.a)
    aims = LocalAim.objects.filter(partnership=tenants.a)
    local, aim = metrics.get(), aims.get()
    form = FrameworkMetricForm({"metric": local.pk, "aim": aim.pk}, metrics=metrics, aims=aims)
    assert form.is_valid() and form.cleaned_data == {"metric": local, "aim": aim}
    without = FrameworkMetricForm({"metric": local.pk}, metrics=metrics, aims=aims)
    assert without.is_valid() and without.cleaned_data["aim"] is None
    assert errors(FrameworkMetricForm({}, metrics=metrics, aims=aims)) == {
        "metric": ["Choose a metric"]}
    # Partnership B's metric and aim are not among those offered.
    theirs = FrameworkMetricForm({"metric": Metric.objects.get(owner=tenants.b).pk,
                                  "aim": LocalAim.objects.get(partnership=tenants.b).pk},
                                 metrics=metrics, aims=aims)
    assert sorted(errors(theirs)) == ["aim", "metric"]


LOCAL_METRIC = {"code": "naloxone_kits", "name": "Naloxone kits given out", "unit": "count",
                "polarity": "higher_better", "frequency": "quarterly"}


@pytest.mark.django_db
def test_a_local_metric_is_cleaned_for_local_metric_create(tenants):
    form = LocalMetricForm({**LOCAL_METRIC, "publication_lag_months": "3",
                            "short_name": "Naloxone kits"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {**LOCAL_METRIC, "publication_lag_months": 3, "source": "",
                                 "short_name": "Naloxone kits"}
    metric = services.local_metric_create(partnership=tenants.a,
                                          user=tenants.users["a_analyst"], **form.cleaned_data)
    assert (metric.owner, metric.code, metric.publication_lag_months) == (tenants.a,
                                                                          "naloxone_kits", 3)
    assert (metric.short_name, metric.label) == ("Naloxone kits", "Naloxone kits")
    optional = LocalMetricForm(LOCAL_METRIC)
    assert optional.is_valid() and optional.cleaned_data["publication_lag_months"] is None
    assert optional.cleaned_data["short_name"] == ""
    assert LocalMetricForm({**LOCAL_METRIC, "short_name": "x" * 61}).errors["short_name"] == [
        "The short name must be 60 characters or fewer"]


def test_a_local_metric_says_what_is_wrong():
    assert errors(LocalMetricForm({})) == {
        "code": ["Enter a code"], "name": ["Enter the name"], "unit": ["Choose the unit"],
        "polarity": ["Choose which way is better"],
        "frequency": ["Choose how often it is updated"]}
    assert errors(LocalMetricForm({**LOCAL_METRIC, "code": "naloxone kits!"})) == {
        "code": ["Use only letters, numbers, - and _"]}
    for lag, message in (("soon", "Enter the publication lag as a whole number of months"),
                         ("-1", "The publication lag must be 0 months or more"),
                         ("61", "The publication lag must be 60 months or fewer")):
        form = LocalMetricForm({**LOCAL_METRIC, "publication_lag_months": lag})
        assert errors(form) == {"publication_lag_months": [message]}, lag


@pytest.mark.django_db
def test_a_target_is_cleaned_for_target_create(tenants):
    metrics = Metric.objects.filter(code="numbers_in_treatment", owner=None)
    form = TargetForm({"metric": metrics.get().pk, "description": "2,600 in treatment",
                       "baseline_value": "2081", "baseline_period": "2021/22",
                       "target_value": "2600", "due_period": "2025/26"}, metrics=metrics)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "metric": metrics.get(), "description": "2,600 in treatment", "baseline_value": 2081.0,
        "baseline_period": "2021/22", "target_value": 2600.0, "due_period": "2025/26",
        "source": ""}
    target = services.target_create(partnership=tenants.a, user=tenants.users["a_analyst"],
                                    **form.cleaned_data)
    assert target.due_end == date(2026, 3, 31)


@pytest.mark.django_db
def test_a_target_says_what_is_wrong(tenants):
    metrics = Metric.objects.filter(code="numbers_in_treatment", owner=None)
    assert errors(TargetForm({}, metrics=metrics)) == {
        "metric": ["Choose the metric"], "description": ["Describe the target"],
        "target_value": ["Enter the target value"], "due_period": ["Enter when it is due"]}
    wrong = TargetForm({"metric": metrics.get().pk, "description": "More", "due_period": "2025",
                        "baseline_value": "many", "target_value": "lots"}, metrics=metrics)
    assert errors(wrong) == {"baseline_value": ["Enter the baseline as a number"],
                             "target_value": ["Enter the target as a number"]}


# --- Notes on a metric ---------------------------------------------------------------------
def note(day="1", month="4", year="2023", text="New treatment provider from 1 April"):
    return AnnotationForm({"date_0": day, "date_1": month, "date_2": year, "text": text})


def test_a_note_is_cleaned_to_a_date_and_its_text():
    form = note()
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"date": date(2023, 4, 1),
                                 "text": "New treatment provider from 1 April"}


def test_a_note_says_what_is_wrong():
    assert errors(note("", "", "", "")) == {"date": ["Enter the date the note refers to"],
                                            "text": ["Enter the note"]}
    assert errors(note("31", "2", "2024")) == {
        "date": ["The date must be a real date, for example 1 4 2023"]}
    assert errors(note(text="x" * 201)) == {"text": ["The note must be 200 characters or fewer"]}
    assert note(text="x" * 200).is_valid()


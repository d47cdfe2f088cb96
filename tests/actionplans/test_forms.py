"""actionplans/forms.py: what each form cleans for its service, and its message for each bad
input."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans import services
from actionplans.forms import (
    ActionPlanForm,
    AskForm,
    DigestPreferenceForm,
    KeyActionForm,
    MilestoneForm,
    ObjectiveForm,
    PlanImportApplyForm,
    PlanUploadForm,
    ProgressForm,
    RiskForm,
)
from actionplans.models import DigestPreference, KeyAction, Objective
from outcomes.models import Metric
from partnerships.models import Organisation

MB = 1024 * 1024


def errors(form) -> dict:
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


def day(name: str, d="", m="", y="") -> dict:
    """The three boxes of a GOV.UK date input."""
    return {f"{name}_0": d, f"{name}_1": m, f"{name}_2": y}


# --- The plan and its parts ----------------------------------------------------------------
PLAN = {"title": "York action plan", "first_year": "2023", "years": "3", "status": "draft"}


@pytest.mark.django_db
def test_a_plan_is_cleaned_for_action_plan_save(tenants):
    form = ActionPlanForm({**PLAN, "status": "signed_off", "signed_off_by": "York CDP board",
                           **day("signed_off_on", "14", "6", "2023")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "York action plan", "first_year": 2023, "years": 3,
                                 "status": "signed_off", "signed_off_on": date(2023, 6, 14),
                                 "signed_off_by": "York CDP board"}
    plan = services.action_plan_save(partnership=tenants.a, user=tenants.users["a_lead"],
                                     **form.cleaned_data)
    assert (plan.first_year, plan.years, plan.signed_off_on) == (2023, 3, date(2023, 6, 14))
    # An empty date is None, not the empty value crispy-forms-gds gives.
    draft = ActionPlanForm({**PLAN, **day("signed_off_on")})
    assert draft.is_valid() and draft.cleaned_data["signed_off_on"] is None


def test_a_plan_says_what_is_wrong():
    assert errors(ActionPlanForm({})) == {
        "title": ["Enter the plan's title"], "first_year": ["Enter the year the plan starts"],
        "years": ["Enter how many years the plan covers"],
        "status": ["Choose the plan's status"]}
    wrong = ActionPlanForm({**PLAN, "first_year": "twenty", "years": "three"})
    assert errors(wrong) == {
        "first_year": ["Enter the year as a number, like 2022"],
        "years": ["Enter the number of years, like 3"]}
    out_of_range = errors(ActionPlanForm({**PLAN, "first_year": "1999", "years": "11"}))
    assert sorted(out_of_range) == ["first_year", "years"]


@pytest.mark.django_db
def test_an_objective_is_cleaned_for_objective_create(tenants):
    form = ObjectiveForm({"title": "Disrupt county lines", "priority": "supply",
                          "strand": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "Disrupt county lines", "priority": "supply",
                                 "strand": ""}
    objective = services.objective_create(plan=tenants.plans["a"],
                                          user=tenants.users["a_lead"], **form.cleaned_data)
    assert (objective.priority, objective.strand) == ("supply", "")
    assert errors(ObjectiveForm({"title": "", "priority": "crime", "strand": "police"})) == {
        "title": ["Enter the objective"],
        "priority": ["Select a valid choice. crime is not one of the available choices."],
        "strand": ["Select a valid choice. police is not one of the available choices."]}


def key_action_form(tenants, data, side="a"):
    partnership = tenants.partnership(side)
    return KeyActionForm(
        data, objectives=Objective.objects.filter(partnership=partnership),
        members=get_user_model().objects.filter(
            memberships__partnership=partnership),
        organisations=Organisation.objects.filter(partnership=partnership))


@pytest.mark.django_db
def test_a_key_action_is_cleaned_for_key_action_create(tenants):
    objective = Objective.objects.get(partnership=tenants.a)
    police = Organisation.objects.get(partnership=tenants.a)
    form = key_action_form(tenants, {"objective": objective.pk, "title": "Test purchases",
                                     "reference": "Police – Purs 1",
                                     "lead": tenants.users["a_admin"].pk,
                                     "responsible_partners": [police.pk]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["objective"] == objective
    assert form.cleaned_data["lead"] == tenants.users["a_admin"]
    assert list(form.cleaned_data["responsible_partners"]) == [police]
    action = services.key_action_create(user=tenants.users["a_lead"], **form.cleaned_data)
    assert (action.reference, action.lead) == ("Police – Purs 1", tenants.users["a_admin"])
    # The lead is listed by name.
    assert form.fields["lead"].label_from_instance(tenants.users["a_admin"]) == "A Admin"


@pytest.mark.django_db
def test_a_key_action_offers_only_the_partnerships_objectives_members_and_partners(tenants):
    assert errors(key_action_form(tenants, {})) == {"objective": ["Choose the objective"],
                                                    "title": ["Enter the key action"]}
    theirs = key_action_form(tenants, {
        "objective": Objective.objects.get(partnership=tenants.b).pk, "title": "Theirs",
        "lead": tenants.users["b_lead"].pk,
        "responsible_partners": [Organisation.objects.get(partnership=tenants.b).pk]})
    assert sorted(errors(theirs)) == ["lead", "objective", "responsible_partners"]


def milestone_form(tenants, data, *, new=True):
    partnership = tenants.a
    return MilestoneForm(
        data, plan=tenants.plans["a"], metrics=Metric.objects.filter(owner=partnership),
        key_actions=KeyAction.objects.filter(partnership=partnership) if new else None)


@pytest.mark.django_db
def test_a_milestone_is_cleaned_for_milestone_create(tenants):
    action = KeyAction.objects.get(partnership=tenants.a)
    form = milestone_form(tenants, {"key_action": action.pk, "title": "Pathway reviewed",
                                    "plan_year": "2", "status": "on_track", **day("due_date")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"key_action": action, "title": "Pathway reviewed",
                                 "due_date": None, "plan_year": 2, "status": "on_track",
                                 "metrics": form.cleaned_data["metrics"]}
    assert not form.cleaned_data["metrics"]
    milestone = services.milestone_create(user=tenants.users["a_lead"], **form.cleaned_data)
    assert (milestone.plan_year, milestone.due_date) == (2, None)
    # The plan's years are offered by their labels.
    assert [label for _, label in form.fields["plan_year"].choices] == [
        "Not set", "Year 1 (2022/23)", "Year 2 (2023/24)", "Year 3 (2024/25)"]


@pytest.mark.django_db
def test_a_milestone_says_what_is_wrong(tenants):
    assert errors(milestone_form(tenants, {**day("due_date")})) == {
        "key_action": ["Choose the key action"], "title": ["Describe the milestone"],
        "status": ["This field is required."]}
    action = KeyAction.objects.get(partnership=tenants.a).pk
    undated = {"key_action": action, "title": "Pathway", "status": "on_track"}
    assert errors(milestone_form(tenants, {**undated, **day("due_date")})) == {
        "due_date": ["Enter a due date or choose a plan year"]}
    assert list(errors(milestone_form(tenants, {**undated, "plan_year": "4"}))) == ["plan_year"]
    # Its details, without the key action and status a new one has.
    details = milestone_form(tenants, {"title": "Renamed", **day("due_date", "1", "3", "2024")},
                             new=False)
    assert details.is_valid(), details.errors
    assert set(details.cleaned_data) == {"title", "due_date", "plan_year", "metrics"}


@pytest.mark.django_db
def test_a_date_that_does_not_exist_gets_the_forms_own_message(tenants):
    forms = {
        "signed_off_on": (ActionPlanForm, PLAN, "Date signed off"),
        "progress_on": (ProgressForm, {"version": "1", "status": "on_track"},
                        "Date of this update"),
        "raised_on": (RiskForm, RISK, "Date raised"),
    }
    for field, (form_class, data, label) in forms.items():
        for impossible in (("31", "9", "2024"), ("1", "13", "2024"), ("x", "1", "2024")):
            form = form_class({**data, **day(field, *impossible)})
            assert errors(form) == {field: [
                f"{label} must be a real date, for example 31 3 2024"]}, (field, impossible)


# --- Progress ------------------------------------------------------------------------------
def progress(data=None, files=None, **kwargs):
    return ProgressForm({"version": "3", "status": "on_track", **day("progress_on"),
                         **(data or {})}, files or {}, **kwargs)


def test_progress_is_cleaned_for_a_new_entry_in_the_log():
    form = progress({"progress_note": "Pathway agreed", "evidence_link": "www.example.org/r",
                     **day("progress_on", "14", "11", "2024")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"version": 3, "status": "on_track",
                                 "progress_note": "Pathway agreed",
                                 "progress_on": date(2024, 11, 14),
                                 "evidence_link": "https://www.example.org/r",
                                 "evidence_file": None}
    # Evidence belongs to its entry in the log: nothing to remove from the milestone.
    assert "remove_evidence_file" not in form.fields


def test_the_progress_form_starts_empty_with_the_status_as_it_is():
    form = ProgressForm(initial={"version": 4, "status": "at_risk"})
    assert form["progress_note"].value() is None
    assert form["evidence_link"].value() is None
    assert form["status"].value() == "at_risk"
    assert form.fields["progress_note"].label == "What has happened since the last update"


def test_progress_says_what_is_wrong():
    assert errors(ProgressForm({})) == {"version": ["This field is required."],
                                        "status": ["Choose the status"]}
    assert errors(progress({"evidence_link": "not a link"})) == {
        "evidence_link": ["Enter a web address, like https://www.example.org/report"]}
    assert errors(progress(day("progress_on", "14", "11", ""))) == {
        "progress_on": ["Enter the year"]}


@pytest.mark.parametrize("name", ["minutes.pdf", "plan.DOCX", "figures.csv", "photo.jpeg"])
def test_evidence_of_an_accepted_type_is_kept(name):
    upload = SimpleUploadedFile(name, b"evidence")
    form = progress(files={"evidence_file": upload})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["evidence_file"] is upload


def test_evidence_must_be_a_document_or_an_image_of_20_mb_at_most():
    script = SimpleUploadedFile("page.html", b"<script>")
    assert errors(progress(files={"evidence_file": script})) == {"evidence_file": [
        "The file must be a PDF, Word, Excel, PowerPoint, CSV, text or image file"]}
    large = SimpleUploadedFile("minutes.pdf", b"%PDF")
    large.size = 21 * MB
    assert errors(progress(files={"evidence_file": large})) == {"evidence_file": [
        "The file is 21 MB; the largest accepted is 20 MB"]}


# --- Risks and asks ------------------------------------------------------------------------
RISK = {"title": "Cuckooing", "description": "", "likelihood": "3", "impact": "5",
        "owner": "Police", "mitigation": "", "status": "open",
        **day("raised_on", "1", "4", "2024")}


@pytest.mark.django_db
def test_a_risk_is_cleaned_for_risk_save(tenants):
    form = RiskForm(RISK)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "Cuckooing", "description": "", "likelihood": 3,
                                 "impact": 5, "owner": "Police", "mitigation": "",
                                 "status": "open", "raised_on": date(2024, 4, 1)}
    risk = services.risk_save(partnership=tenants.a, user=tenants.users["a_lead"],
                              **form.cleaned_data)
    assert (risk.score, risk.rating) == (15, "High")


def test_a_risk_says_what_is_wrong():
    assert errors(RiskForm({**day("raised_on")})) == {
        "title": ["Describe the risk"], "likelihood": ["Choose how likely it is"],
        "impact": ["Choose how great its impact would be"],
        "owner": ["Enter who owns the risk"], "status": ["This field is required."],
        "raised_on": ["Enter the day, month and year"]}
    assert errors(RiskForm({**RISK, "likelihood": "6"})) == {
        "likelihood": ["Select a valid choice. 6 is not one of the available choices."]}


ASK = {"title": "Drug checking", "request": "Fund a pilot", "directed_to": "OPCC",
       "status": "agreed", "response": "Funded for a year", **day("raised_on", "2", "5", "2024")}


@pytest.mark.django_db
def test_an_ask_is_cleaned_for_ask_save(tenants):
    form = AskForm(ASK)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "Drug checking", "request": "Fund a pilot",
                                 "directed_to": "OPCC", "raised_on": date(2024, 5, 2),
                                 "status": "agreed", "response": "Funded for a year"}
    ask = services.ask_save(partnership=tenants.a, user=tenants.users["a_lead"],
                            **form.cleaned_data)
    assert ask.get_status_display() == "Agreed"


def test_an_ask_says_what_is_wrong():
    assert errors(AskForm({**day("raised_on")})) == {
        "title": ["Give the ask a short title"], "request": ["Enter what is asked"],
        "directed_to": ["Enter who is asked"], "raised_on": ["Enter the day, month and year"],
        "status": ["This field is required."]}


# --- Importing a plan ----------------------------------------------------------------------
def test_a_plan_file_is_required_and_at_most_100_mb():
    assert errors(PlanUploadForm({}, {})) == {"file": ["Select a file to upload"]}
    large = SimpleUploadedFile("plan.xlsx", b"PK")
    large.size = 101 * MB
    assert errors(PlanUploadForm({}, {"file": large})) == {"file": [
        "The file is 101 MB; the largest accepted is 100 MB"]}
    upload = SimpleUploadedFile("plan.csv", b"Priority,Strand\n")
    form = PlanUploadForm({}, {"file": upload})
    assert form.is_valid() and form.cleaned_data == {"file": upload}


def test_applying_a_plan_with_rejected_rows_needs_the_users_say_so():
    assert PlanImportApplyForm({}, rejected=0).is_valid()
    assert errors(PlanImportApplyForm({}, rejected=1)) == {"accept_valid": [
        "Confirm that you want to leave out the rejected rows, or fix the file"]}
    accepted = PlanImportApplyForm({"accept_valid": "on"}, rejected=1)
    assert accepted.is_valid() and accepted.cleaned_data == {"accept_valid": True}


# --- The weekly email ----------------------------------------------------------------------
@pytest.mark.django_db
def test_the_weekly_email_choice_is_cleaned_for_digest_preference_save(tenants):
    lead, partnership = tenants.users["a_lead"], tenants.a
    form = DigestPreferenceForm({"send_on": "2"})
    assert form.is_valid(), form.errors
    assert form.preference() == {"enabled": True, "weekday": 2}
    saved = services.digest_preference_save(partnership=partnership, user=lead,
                                            **form.preference())
    assert DigestPreferenceForm.initial_for(saved) == {"send_on": "2"}

    off = DigestPreferenceForm({"send_on": DigestPreferenceForm.OFF})
    assert off.is_valid() and off.preference() == {"enabled": False, "weekday": None}
    saved = services.digest_preference_save(partnership=partnership, user=lead,
                                            **off.preference())
    assert DigestPreferenceForm.initial_for(saved) == {"send_on": "off"}
    assert DigestPreference.objects.filter(partnership=partnership, user=lead).count() == 1


def test_the_weekly_email_offers_the_working_days_or_none():
    form = DigestPreferenceForm()
    assert [choice.value for choice in form.fields["send_on"].choices] == [
        "0", "1", "2", "3", "4", "off"]
    assert errors(DigestPreferenceForm({})) == {
        "send_on": ["Choose a day, or not to get the email"]}
    assert list(errors(DigestPreferenceForm({"send_on": "6"}))) == ["send_on"]

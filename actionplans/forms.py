"""Plain forms: every one works without JavaScript."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout, Size
from django import forms

from outcomes.importers import MAX_FILE_BYTES
from partnerships.forms import RealDateField
from partnerships.uploads import too_large

from .models import ActionPlan, Ask, MilestoneStatus, Priority, Risk, Strand, Weekday
from .services.milestones import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


def _date(label: str, *, required: bool = False, help_text: str = "") -> RealDateField:
    field = RealDateField(label=label, required=required, help_text=help_text,
                          require_all_fields=False)
    field.error_messages["invalid"] = f"{label} must be a real date, for example 31 3 2024"
    return field


def _clean_date(value):
    """crispy-forms-gds gives None for an empty date; a real date otherwise."""
    return value if isinstance(value, date) else None


class ActionPlanForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the plan's title"})
    first_year = forms.IntegerField(
        label="First year", min_value=2000, max_value=2100,
        help_text="The financial year it starts: 2022 for 2022/23.",
        error_messages={"required": "Enter the year the plan starts",
                        "invalid": "Enter the year as a number, like 2022"})
    years = forms.IntegerField(
        label="Number of years", min_value=1, max_value=10, initial=3,
        error_messages={"required": "Enter how many years the plan covers",
                        "invalid": "Enter the number of years, like 3"})
    status = forms.ChoiceField(choices=ActionPlan.Status.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choose the plan's status"})
    signed_off_on = _date("Date signed off")
    signed_off_by = forms.CharField(max_length=200, required=False, label="Signed off by",
                                    help_text="The board, e.g. Safer Rotherham Partnership.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title"), Field.text("first_year", field_width=Fixed.FIVE),
            Field.text("years", field_width=Fixed.TWO),
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            Field("signed_off_on"), Field.text("signed_off_by"), button="Save the plan")

    def clean_signed_off_on(self):
        return _clean_date(self.cleaned_data.get("signed_off_on"))


class ObjectiveForm(forms.Form):
    title = forms.CharField(label="Objective", max_length=300,
                            error_messages={"required": "Enter the objective"})
    priority = forms.ChoiceField(label="National priority", required=False,
                                 choices=[("", "None given"), *Priority.choices])
    strand = forms.ChoiceField(label="4P strand", required=False,
                               choices=[("", "None given"), *Strand.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("title"), Field.select("priority"),
                              Field.select("strand"), button="Add the objective")


class KeyActionForm(forms.Form):
    objective = forms.ModelChoiceField(queryset=None, empty_label="Choose an objective",
                                       error_messages={"required": "Choose the objective"})
    title = forms.CharField(label="Key action", max_length=500,
                            error_messages={"required": "Enter the key action"})
    reference = forms.CharField(max_length=40, required=False,
                                help_text="A partner's own reference, e.g. Police – Purs 1.")
    lead = forms.ModelChoiceField(queryset=None, required=False, empty_label="No lead yet",
                                  help_text="The member who updates its milestones.")
    responsible_partners = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, objectives=None, members=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = objectives
        self.fields["lead"].queryset = members
        self.fields["lead"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["responsible_partners"].queryset = organisations
        self.helper = _helper(
            Field.select("objective"), Field.text("title"),
            Field.text("reference", field_width=Fixed.TWENTY), Field.select("lead"),
            Field.checkboxes("responsible_partners", legend_size=Size.SMALL, small=True),
            button="Add the key action")


class MilestoneForm(forms.Form):
    """A new milestone, or the details of one (its progress has a form of its own)."""

    title = forms.CharField(label="Milestone", widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": "Describe the milestone"})
    due_date = _date("Due date", help_text="For example, 31 3 2024. Or choose a plan year.")
    plan_year = forms.TypedChoiceField(
        label="Or the plan year it is due in", required=False, coerce=int, empty_value=None)
    metrics = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Performance measures",
        help_text="The outcome metrics that show whether it worked.",
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, plan: ActionPlan, metrics=None, key_actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_year"].choices = [("", "Not set")] + [
            (year, plan.year_label(year)) for year in range(1, plan.years + 1)]
        self.fields["metrics"].queryset = metrics
        fields = [Field.textarea("title"), Field("due_date"), Field.select("plan_year"),
                  Field.checkboxes("metrics", legend_size=Size.SMALL, small=True)]
        if key_actions is not None:
            self.fields["key_action"] = forms.ModelChoiceField(
                queryset=key_actions, empty_label="Choose a key action", label="Key action",
                error_messages={"required": "Choose the key action"})
            fields.insert(0, Field.select("key_action"))
            fields.append(Field.radios("status", legend_size=Size.SMALL))
            self.fields["status"] = forms.ChoiceField(
                choices=MilestoneStatus.choices, initial=MilestoneStatus.NOT_STARTED,
                widget=forms.RadioSelect)
        self.helper = _helper(*fields, button="Add the milestone" if key_actions is not None
                              else "Save the details")

    def clean_due_date(self):
        return _clean_date(self.cleaned_data.get("due_date"))

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("due_date") is None and data.get("plan_year") is None:
            self.add_error("due_date", "Enter a due date or choose a plan year")
        return data


class ProgressForm(forms.Form):
    """A progress update: one new entry in the milestone's log, with its status, what has
    happened since the last update, and evidence. It starts empty: earlier entries stay in
    the log, above it."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=MilestoneStatus.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choose the status"})
    progress_note = forms.CharField(
        label="What has happened since the last update", required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="As the board should read it. Earlier updates are kept in the log.")
    progress_on = _date("Date of this update", help_text="For example, 14 11 2026.")
    evidence_link = forms.URLField(
        label="Link to evidence", required=False, max_length=500, assume_scheme="https",
        help_text="A web address, for example of a report on the council's website.",
        error_messages={"invalid": "Enter a web address, like https://www.example.org/report"})
    evidence_file = forms.FileField(
        label="Upload evidence", required=False,
        help_text=f"PDF, Word, Excel, PowerPoint, CSV, text or an image, up to "
                  f"{MAX_EVIDENCE_BYTES >> 20} MB.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("version"), Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("progress_note"), Field("progress_on"),
            Field.text("evidence_link", field_width=Fluid.TWO_THIRDS), Field("evidence_file"),
            button="Add the update")

    def clean_progress_on(self):
        return _clean_date(self.cleaned_data.get("progress_on"))

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and upload.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(too_large(upload.size, MAX_EVIDENCE_BYTES))
        if upload and not upload.name.lower().endswith(EVIDENCE_TYPES):
            raise forms.ValidationError("The file must be a PDF, Word, Excel, PowerPoint, CSV, "
                                        "text or image file")
        return upload


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["title", "description", "likelihood", "impact", "owner", "mitigation",
                  "status", "raised_on"]
        labels = {"title": "Risk", "raised_on": "Date raised"}
        error_messages = {
            "title": {"required": "Describe the risk"},
            "likelihood": {"required": "Choose how likely it is"},
            "impact": {"required": "Choose how great its impact would be"},
            "owner": {"required": "Enter who owns the risk"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_on"] = _date("Date raised", required=True)
        self.fields["likelihood"].widget = forms.RadioSelect(choices=Risk.SCALE)
        self.fields["impact"].widget = forms.RadioSelect(choices=Risk.SCALE)
        self.fields["status"].widget = forms.RadioSelect(choices=Risk.Status.choices)
        self.helper = _helper(
            Field.text("title"), Field.textarea("description", rows=3),
            Field.radios("likelihood", legend_size=Size.SMALL, small=True),
            Field.radios("impact", legend_size=Size.SMALL, small=True), Field.text("owner"),
            Field.textarea("mitigation", rows=3), Field.radios("status", legend_size=Size.SMALL),
            Field("raised_on"), button="Save the risk")


class AskForm(forms.ModelForm):
    class Meta:
        model = Ask
        fields = ["title", "request", "directed_to", "raised_on", "status", "response"]
        labels = {"title": "Ask", "request": "What is asked", "directed_to": "Asked of",
                  "raised_on": "Date raised"}
        error_messages = {
            "title": {"required": "Give the ask a short title"},
            "request": {"required": "Enter what is asked"},
            "directed_to": {"required": "Enter who is asked"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_on"] = _date("Date raised", required=True)
        self.fields["status"].widget = forms.RadioSelect(choices=Ask.Status.choices)
        self.helper = _helper(
            Field.text("title"), Field.textarea("request", rows=4), Field.text("directed_to"),
            Field("raised_on"), Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("response", rows=3), button="Save the ask")


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the plan",
        help_text="A spreadsheet (XLSX or CSV) with the columns of the plan's own export: "
        "Priority, Strand, Objective, Key action, Milestone, Status and the rest. "
        f"Up to {MAX_FILE_BYTES >> 20} MB.",
        error_messages={"required": "Select a file to upload"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("file"), button="Check the file")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(too_large(upload.size, MAX_FILE_BYTES))
        return upload


class PlanImportApplyForm(forms.Form):
    accept_valid = forms.BooleanField(required=False)

    def __init__(self, *args, rejected: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.rejected = rejected

    def clean(self):
        if self.rejected and not self.cleaned_data.get("accept_valid"):
            self.add_error("accept_valid",
                           "Confirm that you want to leave out the rejected rows, or fix the file")
        return self.cleaned_data


class DigestPreferenceForm(forms.Form):
    """The lead's weekly email: which day, or not at all. One question, GOV.UK radios."""

    OFF = "off"

    send_on = forms.ChoiceField(
        label="When should your weekly email come?", widget=forms.RadioSelect,
        help_text="It comes at about 7am on the day you choose.",
        error_messages={"required": "Choose a day, or not to get the email"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = [Choice(str(value), label) for value, label in Weekday.choices]
        days[-1] = Choice(days[-1].value, days[-1].label, divider="or")
        self.fields["send_on"].choices = [*days, Choice(self.OFF, "Do not send me this email")]
        self.helper = _helper(Field.radios("send_on", legend_size=Size.MEDIUM),
                              button="Save")

    @classmethod
    def initial_for(cls, preference) -> dict:
        return {"send_on": str(preference.weekday) if preference.enabled else cls.OFF}

    def preference(self) -> dict:
        """The service's arguments: enabled, and the weekday when on."""
        value = self.cleaned_data["send_on"]
        if value == self.OFF:
            return {"enabled": False, "weekday": None}
        return {"enabled": True, "weekday": int(value)}


class OverdueMilestonesForm(forms.Form):
    """Several overdue milestones re-dated (with a new date and a reason) or closed (with a
    reason) at once. `versions` holds the version of each milestone listed, so that a change
    made meanwhile by someone else is refused rather than overwritten."""

    milestones = forms.MultipleChoiceField(
        label="Overdue milestones", widget=forms.CheckboxSelectMultiple,
        help_text="Choose the milestones to change.",
        error_messages={
            "required": "Choose at least one milestone",
            # Finished or changed meanwhile, or never one the user may change: one message.
            "invalid_choice": "Nothing was saved: a milestone you chose is no longer overdue "
                              "or is not one you may change. Check the list and try again."})
    action = forms.ChoiceField(
        label="What to do with them", widget=forms.RadioSelect,
        choices=[Choice("redate", "Re-date them",
                        hint="Give a new due date. The date each was first due is kept."),
                 Choice("close", "Close them",
                        hint="They will not be done. They are no longer counted as overdue.")],
        error_messages={"required": "Choose whether to re-date or close them"})
    due_date = _date("New due date", help_text="Needed to re-date them. For example, 31 3 2027.")
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
        help_text="Why, as the board should read it. It is kept in each milestone's history.",
        error_messages={"required": "Say why"})
    versions = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, rows: list, **kwargs):
        """`rows`: the overdue milestones listed, each with `overdue_reason` set."""
        super().__init__(*args, **kwargs)
        self.fields["milestones"].choices = [
            Choice(str(m.pk), m.title[:200], hint=f"Overdue: {m.overdue_reason}") for m in rows]
        self.helper = _helper(
            Field.checkboxes("milestones", legend_size=Size.MEDIUM, small=True),
            Field.radios("action", legend_size=Size.MEDIUM), Field("due_date"),
            Field.textarea("reason"), Field("versions"), button="Save")
        self.helper.form_tag = False

    def clean_due_date(self):
        return _clean_date(self.cleaned_data.get("due_date"))

    def clean(self):
        data = super().clean()
        if data.get("action") == "redate" and not self.errors.get("due_date") \
                and data.get("due_date") is None:
            self.add_error("due_date", "Enter the new due date")
        try:
            known = dict(pair.split(":") for pair in data.get("versions", "").split(",") if pair)
            data["versions"] = {int(k): int(v) for k, v in known.items()}
        except ValueError:
            raise forms.ValidationError("The page is out of date: open it again") from None
        chosen = data.get("milestones") or []
        if any(pk not in known for pk in chosen):
            raise forms.ValidationError("The page is out of date: open it again")
        data["chosen"] = {int(pk): int(known[pk]) for pk in chosen}
        return data

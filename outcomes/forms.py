from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout, Size
from django import forms

from partnerships.forms import RealDateField
from partnerships.uploads import too_large

from .importers import MAX_FILE_BYTES
from .models import Annotation, ImportBatch, Metric


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A Fingertips download (CSV), or a table with the columns metric, area_code, "
        f"period and value (CSV or XLSX). Up to {MAX_FILE_BYTES // 1024 // 1024} MB.",
        error_messages={"required": "Select a file to upload"},
    )
    format = forms.ChoiceField(
        label="What kind of file is it?",
        choices=[(ImportBatch.Format.FINGERTIPS, "A Fingertips download"),
                 (ImportBatch.Format.TIDY, "A table of our own (tidy CSV or XLSX)")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of file it is"},
    )
    create_missing_metrics = forms.BooleanField(
        label="Add indicators we do not track yet as metrics (create missing metrics)",
        required=False,
        help_text="Otherwise their rows are skipped and listed. You see what we work out "
                  "about each new metric (polarity, value type, unit, period) and can change "
                  "it before anything is saved.",
    )
    PARTNERSHIP, REFERENCE = "partnership", "reference"
    destination = forms.ChoiceField(
        label="Where should the figures go?",
        required=False,
        widget=forms.RadioSelect,
        help_text="The national reference data holds published figures for every area of "
                  "England, shared by every partnership. Only national administrators load it.",
    )

    def __init__(self, *args, partnership_name: str = "", national: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.national = national
        fields = [Field("file"), Field.radios("format", legend_size=Size.SMALL),
                  Field.checkbox("create_missing_metrics", template="forms/checkbox.html")]
        if national:
            self.fields["destination"].choices = [
                (self.PARTNERSHIP, f"{partnership_name or 'This partnership'}: its own areas"),
                (self.REFERENCE, "National reference data: every area's published figures"),
            ]
            self.fields["destination"].initial = self.PARTNERSHIP
            fields.append(Field.radios("destination", legend_size=Size.SMALL))
        else:
            del self.fields["destination"]
        self.helper = FormHelper()
        self.helper.layout = Layout(*fields, Button("submit", "Check the file"))

    @property
    def is_reference(self) -> bool:
        """The national reference data was chosen (only offered to national admins)."""
        return self.national and self.cleaned_data.get("destination") == self.REFERENCE

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(too_large(upload.size, MAX_FILE_BYTES))
        return upload

    def clean(self):
        # A file refused for its size before it was read takes the fields after it with it
        # (partnerships.uploads): its size is the one thing to put right.
        if getattr(self.files.get("file"), "refused", False):
            self._errors.pop("format", None)
        return super().clean()


def metadata_fields() -> dict[str, forms.Field]:
    """What the analyst confirms about each metric an import creates."""
    # Not required: a field left out (a client that does not show them) keeps what was inferred.
    return {
        "polarity": forms.ChoiceField(label="Polarity", choices=Metric.Polarity.choices,
                                      required=False),
        "value_type": forms.ChoiceField(label="Value type", choices=Metric.ValueType.choices,
                                        required=False),
        "unit": forms.ChoiceField(label="Unit", choices=Metric.Unit.choices, required=False),
        "period_years": forms.TypedChoiceField(
            label="Period", coerce=int, required=False, empty_value=None,
            choices=[(1, "Single years (or quarters, months)"), (3, "Three-year rolling")]),
    }


class ImportCommitForm(forms.Form):
    accept_valid = forms.BooleanField(
        label="Import only the valid rows and leave out the rejected ones",
        required=False,
    )

    def __init__(self, *args, rejected: int = 0, new_metrics: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rejected = rejected
        self.new_metrics = new_metrics or {}
        for indicator, known in self.new_metrics.items():
            for name, field in metadata_fields().items():
                field.initial = known.fields.get(name)
                self.fields[f"metric_{indicator}_{name}"] = field

    def metric_fields(self, indicator: str) -> list:
        """The bound fields confirming one new metric's metadata, for the template."""
        return [self[f"metric_{indicator}_{name}"] for name in metadata_fields()]

    def metric_choices(self) -> dict[str, dict]:
        """The metadata confirmed for each new metric, by its Fingertips id."""
        chosen = {indicator: {name: self.cleaned_data.get(f"metric_{indicator}_{name}")
                              for name in metadata_fields()}
                  for indicator in self.new_metrics}
        return {indicator: {name: value for name, value in fields.items()
                            if value not in ("", None)}
                for indicator, fields in chosen.items()}

    def clean(self):
        if self.rejected and not self.cleaned_data.get("accept_valid"):
            self.add_error(
                "accept_valid",
                "Confirm that you want to leave out the rejected rows, or fix the file",
            )
        return self.cleaned_data


class ObservationEntryForm(forms.Form):
    metric = forms.ModelChoiceField(
        queryset=Metric.objects.none(),
        empty_label="Choose a metric",
        error_messages={"required": "Choose the metric"},
    )
    area_code = forms.ChoiceField(label="Area", error_messages={"required": "Choose the area"})
    period = forms.CharField(
        label="Time period",
        max_length=40,
        help_text="For example 2023/24, 2023/24 Q1, Apr 2024 or 2024.",
        error_messages={"required": "Enter the time period"},
    )
    value = forms.FloatField(
        required=False,
        error_messages={"invalid": "Enter the value as a number, like 12 or 41.5"},
    )
    count = forms.FloatField(
        required=False, min_value=0,
        error_messages={
            "invalid": "Enter the count as a number",
            "min_value": "A count cannot be negative",
        },
    )
    value_note = forms.CharField(label="Note", required=False, max_length=300)
    source = forms.CharField(
        required=False, max_length=200, help_text="Where the figure comes from, e.g. police."
    )

    def __init__(self, *args, metrics=None, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = metrics
        self.fields["area_code"].choices = [("", "Choose an area"), *areas]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("metric"),
            Field.select("area_code"),
            Field.text("period", field_width=Fixed.TEN),
            Field.text("value", field_width=Fixed.TEN),
            Field.text("count", field_width=Fixed.TEN),
            Field.text("value_note", field_width=Fluid.TWO_THIRDS),
            Field.text("source", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Save the value"),
        )

    def clean(self):
        data = super().clean()
        # A value that is not a number already has its own message: one error per mistake.
        if "value" not in self.errors and data.get("value") is None and not data.get(
                "value_note"):
            self.add_error("value", "Enter the value, or a note saying why there is none")
        return data


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


class LocalAimForm(forms.Form):
    name = forms.CharField(label="Name of the aim", max_length=200,
                           error_messages={"required": "Enter the name of the aim"})

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("name"), button="Add the aim")


class FrameworkMetricForm(forms.Form):
    metric = forms.ModelChoiceField(queryset=Metric.objects.none(), empty_label="Choose a metric",
                                    error_messages={"required": "Choose a metric"})
    aim = forms.ModelChoiceField(queryset=None, required=False, empty_label="No aim",
                                 label="Under which aim")

    def __init__(self, *args, partnership=None, metrics=None, aims=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = metrics
        self.fields["aim"].queryset = aims
        self.helper = _helper(Field.select("metric"), Field.select("aim"),
                              button="Add to the framework")


class LocalMetricForm(forms.Form):
    code = forms.SlugField(
        max_length=60, help_text="Short, stable, lower case: used in files and the API, "
        "e.g. digital_iba.", error_messages={"required": "Enter a code",
                                             "invalid": "Use only letters, numbers, - and _"})
    name = forms.CharField(max_length=300, error_messages={"required": "Enter the name"})
    short_name = forms.CharField(
        max_length=60, required=False, label="Short name (optional)",
        help_text="A few words for the dashboard's tile, e.g. Naloxone kits. Without one, the "
        "tile shows the name.",
        error_messages={"max_length": "The short name must be 60 characters or fewer"})
    unit = forms.ChoiceField(choices=Metric.Unit.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose the unit"})
    polarity = forms.ChoiceField(choices=Metric.Polarity.choices, widget=forms.RadioSelect,
                                 label="Which way is better",
                                 error_messages={"required": "Choose which way is better"})
    frequency = forms.ChoiceField(choices=Metric.Frequency.choices,
                                  error_messages={"required": "Choose how often it is updated"})
    publication_lag_months = forms.IntegerField(
        required=False, min_value=0, max_value=60, label="Publication lag in months (optional)",
        help_text="How many months after a period ends its figures are normally available, "
        "e.g. 8 for a financial year published in November. The data coverage page uses it "
        "to say which period should be held by now.",
        error_messages={"invalid": "Enter the publication lag as a whole number of months",
                        "min_value": "The publication lag must be 0 months or more",
                        "max_value": "The publication lag must be 60 months or fewer"})
    source = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("code", field_width=Fixed.TWENTY), Field.text("name"),
            Field.text("short_name", field_width=Fixed.TWENTY),
            Field.radios("unit", legend_size=Size.SMALL),
            Field.radios("polarity", legend_size=Size.SMALL), Field.select("frequency"),
            Field.text("publication_lag_months", field_width=Fixed.TWO),
            Field.text("source"), button="Create the metric",
        )


class TargetForm(forms.Form):
    metric = forms.ModelChoiceField(queryset=Metric.objects.none(), empty_label="Choose a metric",
                                    error_messages={"required": "Choose the metric"})
    description = forms.CharField(
        max_length=300, help_text="As the board will read it, e.g. 440 additional adults in "
        "treatment by the end of 2024/25.", error_messages={"required": "Describe the target"})
    baseline_value = forms.FloatField(required=False, label="Baseline value",
                                      error_messages={"invalid": "Enter the baseline as a number"})
    baseline_period = forms.CharField(required=False, max_length=40,
                                      help_text="The period of the baseline, e.g. 2021/22.")
    target_value = forms.FloatField(label="Target value", error_messages={
        "required": "Enter the target value", "invalid": "Enter the target as a number"})
    due_period = forms.CharField(max_length=40, label="Due by",
                                 help_text="The period it is due in, e.g. 2024/25.",
                                 error_messages={"required": "Enter when it is due"})
    source = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, partnership=None, metrics=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = metrics
        self.helper = _helper(
            Field.select("metric"), Field.text("description"),
            Field.text("baseline_value", field_width=Fixed.TEN),
            Field.text("baseline_period", field_width=Fixed.TEN),
            Field.text("target_value", field_width=Fixed.TEN),
            Field.text("due_period", field_width=Fixed.TEN), Field.text("source"),
            button="Add the target",
        )


class AnnotationForm(forms.Form):
    """A dated note on a metric: the GOV.UK date input and a textarea with a character count
    (which counts as you type with JavaScript; the limit is checked without it too)."""

    date = RealDateField(
        label="Date the note refers to", require_all_fields=False,
        help_text="For example, 1 4 2023: the day a new service started.",
    )
    text = forms.CharField(
        label="Note", max_length=Annotation.MAX_LENGTH, widget=forms.Textarea,
        help_text="As the board should read it on the chart, for example: New treatment "
        "provider from 1 April.",
        error_messages={
            "required": "Enter the note",
            "max_length": f"The note must be {Annotation.MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args, button: str = "Save the note", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["date"]
        field.error_messages["required"] = "Enter the date the note refers to"
        field.error_messages["invalid"] = ("The date must be a real date, for example 1 4 2023")
        self.helper = _helper(
            Field("date"),
            Field.textarea("text", rows=3, max_characters=Annotation.MAX_LENGTH),
            button=button,
        )

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if not isinstance(value, date):  # crispy-forms-gds gives None for an empty date
            raise forms.ValidationError(self.fields["date"].error_messages["required"])
        return value

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout, Size
from django import forms

from .importers import MAX_FILE_BYTES
from .models import ImportBatch, Metric


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
        label="Add indicators we do not track yet as local metrics",
        required=False,
        help_text="Otherwise their rows are skipped and listed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("file"),
            Field.radios("format", legend_size=Size.SMALL),
            Field.checkbox("create_missing_metrics"),
            Button("submit", "Check the file"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_FILE_BYTES // 1024 // 1024} MB"
            )
        return upload


class ImportCommitForm(forms.Form):
    accept_valid = forms.BooleanField(
        label="Import only the valid rows and leave out the rejected ones",
        required=False,
    )

    def __init__(self, *args, rejected: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.rejected = rejected

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
        if data.get("value") is None and not data.get("value_note"):
            self.add_error("value", "Enter the value, or a note saying why there is none")
        return data

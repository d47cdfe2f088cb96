from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.conf import settings

from .tokens import EXPIRY_DAYS, name_taken_message, token_name_free


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100,
        help_text="What it is for, so that you know which to revoke: say “Power BI report” "
                  "or “R on my laptop”.",
        error_messages={"required": "Enter a name for the token"},
    )
    days = forms.TypedChoiceField(
        label="Expires after", coerce=int, widget=forms.RadioSelect,
        choices=[(days, f"{days} days") for days in EXPIRY_DAYS],
        error_messages={"required": "Choose when the token expires"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        default = settings.API_TOKEN_DAYS
        self.fields["days"].initial = default if default in EXPIRY_DAYS else EXPIRY_DAYS[-1]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("days", legend_size=Size.SMALL, inline=True),
            Button("submit", "Create token"),
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.user is not None and not token_name_free(user=self.user, name=name):
            raise forms.ValidationError(name_taken_message(name))
        return name

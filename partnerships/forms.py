from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError

from .models import KeyDocument, Membership, Partnership, https_link_validator
from .services import local_authorities_from_codes, password_off_issuer


class RealDateField(DateInputField):
    """The GOV.UK date input, saying in our words when the day, month and year are not a real
    date (crispy-forms-gds passes on Python's "day is out of range for month", and its own
    "Enter a valid date" for letters)."""

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def clean(self, value):
        """Letters in the day, month or year are not a real date either: the same message."""
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            if any(problem.code == "invalid" for problem in error.error_list):
                raise forms.ValidationError(self.error_messages["invalid"],
                                            code="invalid") from None
            raise


class InviteMemberForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, required=False,
        help_text="Optional: how other members will see them, until they change it.")
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        help_text="We will email them a link to sign in, or to choose a password if they are new.",
        error_messages={
            "required": "Enter the email address of the person to add",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role they will have"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("first_name", field_width=Fluid.ONE_HALF),
            Field.text("last_name", field_width=Fluid.ONE_HALF),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Button("submit", "Add member"),
        )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("role", legend_size=Size.SMALL),
            Button("submit", "Save role"),
        )


class KeyDocumentForm(forms.Form):
    """An entry in the key-documents register. The link is checked here and again by the
    service (the model's validator): a secure web address, https:// only."""

    title = forms.CharField(
        label="Title", max_length=250,
        help_text="As it is known, for example York Drug and Alcohol Needs Assessment 2023.",
        error_messages={"required": "Enter the document's title",
                        "max_length": "The title must be 250 characters or fewer"})
    kind = forms.ChoiceField(
        label="Type of document", choices=[("", "Choose a type"), *KeyDocument.Kind.choices],
        error_messages={"required": "Select the type of document"})
    status = forms.ChoiceField(
        label="Status", choices=KeyDocument.Status.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the document's status"})
    date = RealDateField(
        label="Date", required=False, require_all_fields=False,
        help_text="When it was completed, or is due. For example, 31 3 2024.")
    link = forms.CharField(
        label="Link", max_length=500, required=False,
        validators=[https_link_validator],
        help_text="Optional. Where anyone can read it: a web address starting https://. The "
                  "public page links to the document when it has one.",
        error_messages={"max_length": "The link must be 500 characters or fewer"})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, button: str = "Save the document", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["invalid"] = (
            "Date must be a real date, for example 31 3 2024")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("version"),
            Field.text("title"),
            Field.select("kind"),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field("date"),
            Field.text("link", field_width=Fluid.FULL, spellcheck="false"),
            Button("submit", button),
        )

    def clean_date(self):
        """crispy-forms-gds gives None for an empty date; a real date otherwise."""
        value = self.cleaned_data.get("date")
        return value if isinstance(value, date) else None


class PartnershipAdminForm(forms.ModelForm):
    """The site admin's partnership form: geography is entered as ONS codes."""

    local_authority_codes = forms.CharField(
        label="Local authority ONS codes",
        help_text="Separate codes with commas, e.g. E08000016, E08000017, E08000018, E08000019.",
    )

    class Meta:
        model = Partnership
        fields = [
            "name", "slug", "region", "parent", "reports_to", "date_established",
            "terms_of_reference", "terms_of_reference_agreed",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["local_authority_codes"].initial = ", ".join(
                self.instance.local_authorities.values_list("code", flat=True)
            )

    def clean_local_authority_codes(self):
        codes = self.cleaned_data["local_authority_codes"].replace(";", ",").split(",")
        try:
            self.local_authorities = local_authorities_from_codes(codes)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return ", ".join(la.code for la in self.local_authorities)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk:
            ancestor = parent
            while ancestor is not None:
                if ancestor.pk == self.instance.pk:
                    raise ValidationError("A partnership cannot sit inside itself.")
                ancestor = ancestor.parent
        return parent


class MemberPasswordResetForm(PasswordResetForm):
    """Also sends the link to invited members who never chose a password.

    Django's form skips accounts without a usable password; ours are exactly the people whose
    invitation link expired. Someone whose organisation has switched passwords off is told to
    sign in with its button instead, with no link.
    """

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        issuer = password_off_issuer(context["user"])
        if issuer is not None:
            context = {**context, "issuer": issuer}
            subject_template_name = "registration/password_reset_sso_subject.txt"
            email_template_name = "registration/password_reset_sso_email.html"
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)

    def get_users(self, email):
        user_model = get_user_model()
        field = user_model.get_email_field_name()
        return user_model._default_manager.filter(
            **{f"{field}__iexact": email, "is_active": True}
        ).iterator()

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError

from .models import Membership, Partnership
from .services import local_authorities_from_codes, password_off_issuer


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

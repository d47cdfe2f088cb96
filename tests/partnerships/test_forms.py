"""partnerships/forms.py: what each form cleans, and its message for each bad input."""

import pytest
from django.contrib.auth import get_user_model

from partnerships import services
from partnerships.forms import (
    InviteMemberForm,
    MemberPasswordResetForm,
    MemberRoleForm,
    PartnershipAdminForm,
)


def errors(form) -> dict:
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


def test_an_invitation_is_cleaned_for_member_invite():
    form = InviteMemberForm({"email": "  Jo.Bloggs@Example.ORG ", "role": "analyst"})
    assert form.is_valid(), form.errors
    # The email is trimmed, as typed otherwise (the service matches it case-insensitively),
    # and the role is a Membership role's value; the names, optional, are left empty.
    assert form.cleaned_data == {"email": "Jo.Bloggs@Example.ORG", "role": "analyst",
                                 "first_name": "", "last_name": ""}


def test_an_invitation_says_what_is_missing_or_wrong():
    assert errors(InviteMemberForm({})) == {
        "email": ["Enter the email address of the person to add"],
        "role": ["Select the role they will have"],
    }
    assert errors(InviteMemberForm({"email": "not an address", "role": "lead"})) == {
        "email": ["Enter an email address in the correct format, like name@example.org"]}
    assert "role" in errors(InviteMemberForm({"email": "a@example.org", "role": "owner"}))


@pytest.mark.parametrize("role", ["viewer", "lead", "analyst", "admin"])
def test_every_membership_role_may_be_chosen(role):
    form = MemberRoleForm({"role": role})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"role": role}


def test_a_role_must_be_chosen_from_the_roles():
    assert errors(MemberRoleForm({})) == {"role": ["Select a role"]}
    assert list(errors(MemberRoleForm({"role": "superuser"}))) == ["role"]


def admin_form(tenants, instance=None, **changes):
    data = {"name": "York CDP", "slug": "york", "region": tenants.a.region_id,
            "local_authority_codes": "E06000014", "reports_to": "", "terms_of_reference": "",
            **changes}
    return PartnershipAdminForm(data, instance=instance)


def test_the_admin_form_reads_ons_codes_in_any_separator_and_case(tenants):
    form = admin_form(tenants, local_authority_codes=" e08000016; E08000017 ,e08000016")
    assert form.is_valid(), form.errors
    # Cleaned to one canonical list, and the local authorities kept for the save.
    assert form.cleaned_data["local_authority_codes"] == "E08000016, E08000017"
    assert [la.code for la in form.local_authorities] == ["E08000016", "E08000017"]


def test_the_admin_form_names_unknown_or_missing_codes(tenants):
    assert errors(admin_form(tenants, local_authority_codes="E99999999, X1")) == {
        "local_authority_codes": [
            "Unknown ONS codes: E99999999, X1. Use the code of an English local authority, "
            "for example E08000018 for Rotherham."]}
    assert errors(admin_form(tenants, local_authority_codes=" , ;")) == {
        "local_authority_codes": ["Enter at least one local authority ONS code."]}


def test_the_admin_form_shows_the_partnerships_codes(tenants):
    form = PartnershipAdminForm(instance=tenants.a)
    assert form.fields["local_authority_codes"].initial == "E08000018"


def test_a_partnership_cannot_sit_inside_itself(tenants):
    child = services.partnership_create(
        name="Rotherham North", slug="rotherham-north", region=tenants.a.region,
        local_authority_codes=["E08000018"], parent=tenants.a)
    mine = {"name": tenants.a.name, "slug": tenants.a.slug, "local_authority_codes": "E08000018"}
    itself = admin_form(tenants, instance=tenants.a, parent=tenants.a.pk, **mine)
    assert errors(itself) == {"parent": ["A partnership cannot sit inside itself."]}
    below = admin_form(tenants, instance=tenants.a, parent=child.pk, **mine)
    assert errors(below) == {"parent": ["A partnership cannot sit inside itself."]}
    # Another partnership as parent is fine, and a new partnership may sit anywhere.
    assert admin_form(tenants, instance=tenants.a, parent=tenants.b.pk, **mine).is_valid()
    assert admin_form(tenants, parent=child.pk).is_valid()


@pytest.mark.django_db
def test_a_reset_link_also_goes_to_invited_members_without_a_password():
    users = get_user_model().objects
    invited = users.create_user("invited", "Invited@Example.org")  # no usable password
    assert not invited.has_usable_password()
    users.create_user("gone", "invited@example.org", "pw", is_active=False)
    users.create_user("other", "other@example.org", "pw")
    found = list(MemberPasswordResetForm().get_users("invited@EXAMPLE.org"))
    assert found == [invited]

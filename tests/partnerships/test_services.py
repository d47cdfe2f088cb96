"""partnerships/services.py: geography, memberships kept in step with guardian, the last admin."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from partnerships import access, services
from partnerships.forms import PartnershipAdminForm
from partnerships.models import (
    Membership,
    Partnership,
    PartnershipGroupObjectPermission,
    Region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def yorkshire():
    return Region.objects.get(code="E12000003")


def test_geography_is_loaded_by_migration():
    region = Region.objects.get(code="E12000003")
    assert region.name == "Yorkshire and The Humber"
    assert set(region.local_authorities.values_list("code", flat=True)) >= {
        "E08000016", "E08000017", "E08000018", "E08000019", "E06000014",
    }


def test_create_partnership_with_several_local_authorities(yorkshire):
    partnership = services.partnership_create(
        name="South Yorkshire CDP", slug="south-yorkshire", region=yorkshire,
        local_authority_codes=["e08000016", "E08000017 ", "E08000018", "E08000019"],
    )
    assert sorted(partnership.local_authorities.values_list("name", flat=True)) == [
        "Barnsley", "Doncaster", "Rotherham", "Sheffield",
    ]


def test_unknown_ons_codes_are_named(yorkshire):
    with pytest.raises(ValidationError) as error:
        services.partnership_create(
            name="Nowhere CDP", slug="nowhere", region=yorkshire,
            local_authority_codes=["E08000018", "E08999999", "X123"],
        )
    assert "Unknown ONS codes: E08999999, X123" in error.value.messages[0]
    assert not Partnership.objects.filter(slug="nowhere").exists()


def test_admin_form_reports_duplicate_slug_and_unknown_codes(tenants, yorkshire):
    form = PartnershipAdminForm(
        data={"name": "Another", "slug": "rotherham", "region": yorkshire.pk,
              "local_authority_codes": "E08000018, E09999999"}
    )
    assert not form.is_valid()
    assert form.errors["slug"] == ["A partnership with this short name already exists."]
    assert "Unknown ONS code: E09999999" in form.errors["local_authority_codes"][0]


def test_admin_form_refuses_a_partnership_inside_itself(tenants):
    child = services.partnership_create(
        name="Child", slug="child", region=tenants.a.region,
        local_authority_codes=["E08000018"], parent=tenants.a,
    )
    form = PartnershipAdminForm(
        instance=tenants.a,
        data={"name": tenants.a.name, "slug": "rotherham", "region": tenants.a.region_id,
              "parent": child.pk, "local_authority_codes": "E08000018"},
    )
    assert not form.is_valid()
    assert form.errors["parent"] == ["A partnership cannot sit inside itself."]


def test_adding_a_user_twice_is_refused(tenants):
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_create(
            partnership=tenants.a, user=tenants.users["a_lead"], role="viewer"
        )


def test_role_change_moves_the_user_between_groups(tenants):
    membership = tenants.memberships["a"]  # a_lead
    services.membership_change_role(membership=membership, role="analyst")
    assert access.actions_for(tenants.users["a_lead"], "rotherham") == access.with_derived(
        {"view", "load_data"})
    groups = set(tenants.users["a_lead"].groups.values_list("name", flat=True))
    assert groups == {access.role_group_name(tenants.a.pk, "analyst")}


def test_the_last_admin_cannot_be_removed_or_demoted(tenants):
    admin = Membership.objects.get(user=tenants.users["a_admin"])
    with pytest.raises(ValidationError, match="only administrator"):
        services.membership_remove(membership=admin)
    with pytest.raises(ValidationError, match="only administrator"):
        services.membership_change_role(membership=admin, role="viewer")
    assert Membership.objects.get(pk=admin.pk).role == "admin"

    # With a second admin, the first may go.
    services.membership_change_role(membership=tenants.memberships["a"], role="admin")
    services.membership_remove(membership=admin)
    assert access.actions_for(tenants.users["a_admin"], "rotherham") == frozenset()


def test_regional_viewer_sees_every_partnership_in_the_region_only(tenants, yorkshire):
    york = services.partnership_create(
        name="York", slug="york", region=yorkshire, local_authority_codes=["E06000014"]
    )
    visible = set(Partnership.objects.for_user(tenants.users["regional"]).values_list(
        "slug", flat=True))
    assert visible == {"rotherham", "york"}
    assert access.actions_for(tenants.users["regional"], york.slug) == {"view"}


def test_moving_a_partnership_to_another_region_moves_regional_access(tenants):
    tenants.a.region = Region.objects.get(code="E12000001")
    tenants.a.save()
    services.partnership_sync_permissions(partnership=tenants.a)
    assert access.actions_for(tenants.users["regional"], "rotherham") == frozenset()


def test_permission_sync_is_idempotent_and_constant_in_queries(
    tenants, django_assert_max_num_queries
):
    before = set(PartnershipGroupObjectPermission.objects.values_list(
        "group_id", "permission_id", "content_object_id"))
    with django_assert_max_num_queries(12):
        services.partnership_sync_permissions(partnership=tenants.a)
    after = set(PartnershipGroupObjectPermission.objects.values_list(
        "group_id", "permission_id", "content_object_id"))
    assert before == after


def test_invite_creates_an_account_for_a_new_address(tenants, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.member_invite(
            partnership=tenants.a, email="New.Person@Example.org", role="analyst",
            invited_by=tenants.users["a_admin"], site_url="https://cdp.example.org/",
        )
    assert invitation.new_account
    user = invitation.membership.user
    assert user.email == "New.Person@example.org"
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1
    assert "https://cdp.example.org/password-reset/" in mailoutbox[0].body
    assert mailoutbox[0].to == ["New.Person@example.org"]


def test_invite_adds_an_existing_account(tenants, mailoutbox, django_capture_on_commit_callbacks):
    existing = tenants.users["b_viewer"]
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.member_invite(
            partnership=tenants.a, email=existing.email.upper(), role="viewer",
            invited_by=tenants.users["a_admin"], site_url="http://testserver/",
        )
    assert not invitation.new_account
    assert invitation.membership.user == existing
    assert get_user_model().objects.filter(email__iexact=existing.email).count() == 1
    assert "Sign in as b_viewer" in mailoutbox[0].body


def test_a_stale_copy_cannot_leave_extra_groups_behind(tenants):
    """Two admins change one member's role from pages loaded at the same time."""
    first = Membership.objects.get(pk=tenants.memberships["a"].pk)
    stale = Membership.objects.get(pk=tenants.memberships["a"].pk)
    services.membership_change_role(membership=first, role="analyst")
    services.membership_change_role(membership=stale, role="admin")
    user = tenants.users["a_lead"]
    assert list(user.groups.values_list("name", flat=True)) == [
        access.role_group_name(tenants.a.pk, "admin")
    ]
    services.membership_change_role(membership=first, role="viewer")
    assert access.actions_for(user, "rotherham") == {"view"}
    services.membership_remove(membership=stale)
    assert access.actions_for(user, "rotherham") == frozenset()
    assert not user.groups.exists()


def test_invited_member_whose_link_expired_can_ask_for_another(
    client, tenants, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(
            partnership=tenants.a, email="late@example.org", role="viewer",
            invited_by=tenants.users["a_admin"], site_url="http://testserver/",
        )
    mailoutbox.clear()
    response = client.post("/password-reset/", {"email": "late@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/password-reset/" in mailoutbox[0].body

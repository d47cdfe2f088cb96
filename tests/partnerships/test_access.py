"""partnerships/access.py: for_user() on every tenant model, and the base classes' guards."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models

from partnerships import access
from partnerships.api.base import ScopedViewSet
from partnerships.models import Partnership


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants


def tenant_models() -> list[type[models.Model]]:
    """Every model holding tenant data: it has a foreign key to Partnership."""
    found = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if (
                isinstance(f, models.ForeignKey)
                and f.related_model is Partnership
                and f.name == "partnership"
                and not model.__module__.startswith("guardian")
                and "ObjectPermission" not in model.__name__
            ):
                found.append(model)
    return found


def test_tenant_models_are_found():
    names = {m.__name__ for m in tenant_models()}
    assert {"Organisation", "NamedRole", "SubGroup", "KeyDocument", "Membership"} <= names


# Tenant models whose partnership may be empty, and why: such a row belongs to no partnership,
# and for_user() shows it to national admins only (test_a_reference_batch_is_national_only).
OPTIONAL_PARTNERSHIP = {
    "ImportBatch": "a batch of the national reference data belongs to no partnership",
}


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m.__name__)
def test_every_tenant_model_has_a_required_partnership_and_for_user(model):
    tracked = getattr(model, "instance_type", None)
    if (tracked or model).__name__ in OPTIONAL_PARTNERSHIP:
        assert isinstance(model.objects.all(), access.ScopedQuerySet)
        return
    if tracked is not None:
        # django-simple-history's copy of a row: its foreign keys are always nullable, and
        # it holds the partnership of the row it copies, which must be required.
        assert tracked._meta.get_field("partnership").null is False
    field = model._meta.get_field("partnership")
    assert tracked is not None or field.null is False, (
        f"{model.__name__}.partnership must be required")
    assert field.db_index, f"{model.__name__}.partnership must be indexed"
    assert isinstance(model.objects.all(), access.ScopedQuerySet), (
        f"{model.__name__} must use partnerships.access.ScopedQuerySet"
    )


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m.__name__)
def test_for_user_returns_only_the_users_partnerships_rows(tenants, model):
    # The shared fixture must hold rows of every tenant model in both partnerships.
    assert model.objects.filter(partnership=tenants.a).exists(), (
        f"add a {model.__name__} for each partnership to the shared tenants fixture"
    )
    assert model.objects.filter(partnership=tenants.b).exists()
    for username in ["a_viewer", "a_lead", "a_analyst", "a_admin", "regional"]:
        visible = model.objects.for_user(tenants.users[username])
        assert visible.exists()
        assert set(visible.values_list("partnership_id", flat=True)) == {tenants.a.pk}
    assert not model.objects.for_user(tenants.users["outsider"]).exists()
    assert not model.objects.for_user(AnonymousUser()).exists()
    everything = model.objects.for_user(tenants.users["superuser"])
    assert everything.count() == model.objects.count()


@pytest.mark.parametrize(
    ("username", "actions"),
    [
        ("a_viewer", {"view"}),
        ("a_lead", {"view", "edit_plan"}),
        ("a_analyst", {"view", "load_data"}),
        ("a_admin", {"view", "edit_plan", "load_data", "manage_members"}),
        ("regional", {"view"}),
        ("outsider", set()),
        ("b_admin", set()),
        ("superuser", {"view", "edit_plan", "load_data", "manage_members"}),
    ],
)
def test_actions_by_role(tenants, username, actions, django_assert_max_num_queries):
    user = tenants.users[username]
    # The permissions the role holds, and the actions derived from them (annotate...).
    actions = access.with_derived(actions)
    with django_assert_max_num_queries(1):
        assert access.actions_for(user, "rotherham") == actions
    for action in access.ACTIONS:
        allowed = Partnership.objects.for_user(user, action).filter(pk=tenants.a.pk).exists()
        assert allowed == (action in actions), action


@pytest.mark.parametrize("username", ["a_viewer", "a_lead", "a_analyst", "a_admin", "b_admin",
                                      "regional", "outsider", "superuser", None])
@pytest.mark.parametrize("slug", ["rotherham", "darlington", "no-such-partnership"])
def test_the_partnership_and_its_actions_are_actions_for_in_one_query(
        tenants, username, slug, django_assert_max_num_queries):
    """What a partnership's pages are decided by (partnerships.mixins): the same actions as
    `actions_for`, and the partnership with its region where there is any, in one query."""
    user = tenants.users[username] if username else AnonymousUser()
    with django_assert_max_num_queries(1):
        partnership, actions = access.partnership_and_actions(user, slug)
        region = partnership and partnership.region.name
    assert actions == access.actions_for(user, slug)
    expected = Partnership.objects.filter(slug=slug).first() if actions else None
    assert partnership == expected
    assert region == (expected and expected.region.name)


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m.__name__)
def test_in_partnership_with_the_actions_held_finds_what_for_user_finds(tenants, model):
    """A page that found the user's actions on its partnership (`actions_for`, at dispatch)
    scopes its rows from them with no subquery of permissions: the same rows, for every role,
    action and partnership, as `for_user`."""
    users = ["a_viewer", "a_lead", "a_analyst", "a_admin", "regional", "outsider", "b_admin",
             "superuser"]
    for username in users:
        user = tenants.users[username]
        for partnership in (tenants.a, tenants.b):
            held = access.actions_for(user, partnership.slug)
            for action in access.ACTIONS:
                scoped = access.in_partnership(model.objects.all(), user, partnership, action,
                                               held=held)
                expected = model.objects.for_user(user, action).filter(partnership=partnership)
                assert set(scoped.values_list("pk", flat=True)) == set(
                    expected.values_list("pk", flat=True)), (username, partnership, action)


def test_inactive_user_sees_nothing(tenants):
    user = tenants.users["a_admin"]
    user.is_active = False
    user.save()
    assert not Partnership.objects.for_user(user).exists()
    assert access.actions_for(user, "rotherham") == frozenset()
    assert access.partnership_and_actions(user, "rotherham") == (None, frozenset())


def test_unknown_action_is_an_error(tenants):
    with pytest.raises(ValueError, match="unknown action"):
        Partnership.objects.for_user(tenants.users["a_admin"], "delete_everything")


def test_for_user_is_one_query_whatever_the_memberships(tenants, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(Partnership.objects.for_user(tenants.users["regional"]))


def test_a_viewset_may_not_override_get_queryset():
    with pytest.raises(TypeError, match="overrides get_queryset"):

        class LeakyViewSet(ScopedViewSet):
            def get_queryset(self):
                return Partnership.objects.all()


def test_a_mixin_cannot_smuggle_in_its_own_get_queryset():
    class LeakyMixin:
        def get_queryset(self):
            return Partnership.objects.all()

    with pytest.raises(TypeError, match="overrides get_queryset"):

        class SneakyViewSet(LeakyMixin, ScopedViewSet):
            queryset = Partnership.objects.all()


def test_national_metrics_are_shared_and_local_metrics_are_scoped(tenants):
    from outcomes.models import Metric

    for username in ["a_viewer", "regional", "outsider", "b_admin"]:
        visible = Metric.objects.for_user(tenants.users[username])
        assert visible.filter(owner=None).count() == Metric.objects.filter(owner=None).count()
    a_local = Metric.objects.get(owner=tenants.a)
    assert Metric.objects.for_user(tenants.users["a_viewer"]).filter(pk=a_local.pk).exists()
    assert Metric.objects.for_user(tenants.users["regional"]).filter(pk=a_local.pk).exists()
    for username in ["b_admin", "outsider"]:
        assert not Metric.objects.for_user(tenants.users[username]).filter(pk=a_local.pk).exists()
    assert not Metric.objects.for_user(AnonymousUser()).exists()
    # Changing metrics is for those who load data, and only their own local ones.
    editable = Metric.objects.for_user(tenants.users["a_analyst"], "load_data")
    assert list(editable) == [a_local]
    assert not Metric.objects.for_user(tenants.users["a_lead"], "load_data").exists()


@pytest.mark.parametrize(
    ("username", "writes", "reads"),
    [("a_viewer", "", "a"), ("a_lead", "a", "a"), ("a_analyst", "a", "a"), ("a_admin", "a", "a"),
     ("regional", "", "a"), ("outsider", "", ""), ("b_viewer", "", "b"), ("b_lead", "b", "b"),
     ("b_analyst", "b", "b"), ("superuser", "ab", "ab")],
)
def test_who_may_annotate_and_read_a_partnerships_notes(tenants, username, writes, reads,
                                                         django_assert_num_queries):
    """Notes on a metric are written by leads, analysts and admins of their partnership (the
    annotate action follows from edit_plan or load_data), read by every member and regional
    viewer; another partnership's are not there at all."""
    from outcomes.models import Annotation

    user = tenants.users[username]
    with django_assert_num_queries(1):
        writable = set(Annotation.objects.for_user(user, access.ANNOTATE)
                       .values_list("pk", flat=True))
    readable = set(Annotation.objects.for_user(user).values_list("pk", flat=True))
    assert writable == {tenants.annotations[side].pk for side in writes}
    assert readable == {tenants.annotations[side].pk for side in reads}
    assert (access.ANNOTATE in access.actions_for(user, "rotherham")) == ("a" in writes)


def test_annotate_follows_from_changing_the_plan_or_loading_data_only():
    assert access.with_derived({"view"}) == {"view"}
    assert "annotate" in access.with_derived({"view", "load_data"})
    assert "annotate" in access.with_derived({"edit_plan"})
    assert "annotate" not in access.with_derived({"view", "manage_members"})
    assert "annotate" in access.ACTIONS and "annotate" not in access.ACTION_PERMISSIONS


def test_a_reference_batch_is_national_only(tenants):
    """A batch of the national reference data belongs to no partnership: every member of
    every partnership, in every role, is shown none of it; a national admin sees it."""
    from outcomes.models import ImportBatch

    batch = ImportBatch.objects.create(
        partnership=None, created_by=tenants.users["superuser"], file_name="national.csv",
        format=ImportBatch.Format.FINGERTIPS)
    assert batch.is_reference
    for username, user in tenants.users.items():
        for action in (access.VIEW, access.LOAD_DATA):
            seen = ImportBatch.objects.for_user(user, action).filter(pk=batch.pk).exists()
            assert seen is (username == "superuser"), (username, action)

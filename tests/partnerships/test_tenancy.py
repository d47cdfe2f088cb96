"""partnerships/tenancy.py: every tenant model is a PartnershipOwned, found by its key."""

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from partnerships.models import Partnership
from partnerships.tenancy import PartnershipOwned

# Models related to Partnership that are not PartnershipOwned, and why.
KEYED_OTHERWISE = {
    "partnerships.Partnership": "the tenant itself, scoped by its own primary key",
    "partnerships.PartnershipUserObjectPermission": "django-guardian's permission rows",
    "partnerships.PartnershipGroupObjectPermission": "django-guardian's permission rows",
    "outcomes.Metric": "its owner is empty for a national metric",
    "outcomes.SummaryState": "one per partnership: a one-to-one field",
    "outcomes.ImportBatch": "empty for a reference batch, which only national admins see",
    "cdp.PublicPage": "one per partnership: a one-to-one field",
}


def is_history(model: type[models.Model]) -> bool:
    """A history table itself (of a model, or of one of its many-to-many fields)."""
    return hasattr(model, "instance_type") or model.__name__.startswith("Historical")


def partnership_key(model: type[models.Model]) -> models.ForeignKey | None:
    try:
        field = model._meta.get_field("partnership")
    except FieldDoesNotExist:
        return None
    if isinstance(field, models.ForeignKey) and field.related_model is Partnership:
        return field
    return None


def related_to_partnership(model: type[models.Model]) -> bool:
    return model is Partnership or any(
        field.is_relation and not field.auto_created and field.related_model is Partnership
        for field in model._meta.get_fields()
    )


def tenant_models() -> list[type[models.Model]]:
    """Every concrete model (not a history table) with a `partnership` foreign key."""
    return [model for model in apps.get_models()
            if not is_history(model) and partnership_key(model) is not None]


def owned_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if issubclass(model, PartnershipOwned)]


def test_the_tenant_models_are_found():
    names = {model._meta.label for model in tenant_models()}
    assert {"partnerships.Organisation", "partnerships.Membership", "outcomes.Observation",
            "actionplans.Milestone", "cdp.BoardPack", "outcomes.SummaryState"} <= names
    assert len(owned_models()) >= 22


@pytest.mark.parametrize("model", tenant_models(), ids=lambda model: model._meta.label)
def test_every_tenant_model_is_partnership_owned_or_named(model):
    assert issubclass(model, PartnershipOwned) or model._meta.label in KEYED_OTHERWISE, (
        f"{model._meta.label} has a partnership foreign key: make it a PartnershipOwned, or "
        "name it in KEYED_OTHERWISE with the reason")
    assert hasattr(model._default_manager.all(), "for_user"), (
        f"{model._meta.label}'s default manager must be scoped (for_user)")


@pytest.mark.parametrize("model", [m for m in apps.get_models() if related_to_partnership(m)
                                   and not is_history(m)
                                   and not issubclass(m, PartnershipOwned)],
                         ids=lambda model: model._meta.label)
def test_every_other_model_related_to_a_partnership_says_why(model):
    assert KEYED_OTHERWISE.get(model._meta.label, "").strip(), (
        f"{model._meta.label} is related to Partnership: make it a PartnershipOwned, or "
        "name it in KEYED_OTHERWISE with the reason")


def test_the_list_names_only_models_that_exist():
    assert set(KEYED_OTHERWISE) <= {model._meta.label for model in apps.get_models()}


@pytest.mark.parametrize("model", owned_models(), ids=lambda model: model._meta.label)
def test_a_partnership_owned_models_key(model):
    field = partnership_key(model)
    assert field is not None
    assert not field.null and field.db_index
    assert field.remote_field.on_delete is models.CASCADE
    related_name = model.partnership_related_name
    assert field.remote_field.related_name == related_name
    assert hasattr(Partnership, related_name)
    # Migrations see a plain foreign key with the model's related name.
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "django.db.models.ForeignKey"
    assert kwargs["related_name"] == related_name
    assert hasattr(model.objects.all(), "for_user")


@pytest.mark.parametrize("model", owned_models(), ids=lambda model: model._meta.label)
def test_history_is_kept_only_where_asked_and_is_scoped(model):
    history = getattr(model._meta, "simple_history_manager_attribute", None)
    if history is None:
        return
    historical = getattr(model, history).model
    assert historical._meta.get_field("partnership").remote_field.related_name == "+"
    assert hasattr(historical.objects.all(), "for_user")


@pytest.mark.parametrize("label", ["outcomes.Observation", "outcomes.MetricSummary",
                                   "actionplans.PlanImport", "actionplans.PlanProgressSummary",
                                   "actionplans.DigestSent"])
def test_models_without_history_do_not_gain_it(label):
    model = apps.get_model(label)
    assert issubclass(model, PartnershipOwned)
    assert getattr(model._meta, "simple_history_manager_attribute", None) is None


def test_a_custom_scoped_queryset_keeps_working():
    metric = apps.get_model("outcomes.Metric")
    assert type(metric.objects.all()).__name__ == "MetricQuerySet"
    assert hasattr(metric.objects.all(), "for_user")


def test_a_model_without_a_related_name_is_refused():
    with pytest.raises(TypeError, match="partnership_related_name"):
        type("Nameless", (PartnershipOwned,), {"__module__": "partnerships.models"})

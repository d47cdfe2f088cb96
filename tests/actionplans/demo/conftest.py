"""The demo plans are loaded by `load_demo`, twice, before each test here."""

import io

import pytest
from django.core.management import call_command

from actionplans.models import ActionPlan, Ask, KeyAction, Milestone, Objective, Risk

MODELS = (ActionPlan, Objective, KeyAction, Milestone, Risk, Ask)


def counts() -> dict[str, int]:
    rows = {model.__name__: model.objects.count() for model in MODELS}
    rows |= {f"history of {model.__name__}": model.history.count() for model in MODELS}
    return rows


@pytest.fixture
def loaded(settings) -> dict[str, int]:
    """Loads the demo twice; returns the counts after the first load."""
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    return first

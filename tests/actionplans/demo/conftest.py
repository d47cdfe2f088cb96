"""The demo plans are loaded by `load_demo`, twice, before each test here, as on
tests.conftest.DEMO_TODAY (7 December 2026): their dates are moved forward by whole years
relative to the day they are loaded."""

import io

import pytest
from django.core.management import call_command

from actionplans.models import ActionPlan, Ask, KeyAction, Milestone, Objective, Risk

MODELS = (ActionPlan, Objective, KeyAction, Milestone, Risk, Ask)


def counts() -> dict[str, int]:
    rows = {model.__name__: model.objects.count() for model in MODELS}
    rows |= {f"history of {model.__name__}": model.history.count() for model in MODELS}
    return rows


@pytest.fixture(scope="package")
def loaded_twice(django_db_setup, django_db_blocker) -> dict[str, int]:
    """The demo loaded twice, once for the whole package (tests/conftest.loaded_demo); the
    counts after the first load."""
    from tests.conftest import DEMO_TODAY, fixed_today, loaded_demo

    with django_db_blocker.unblock():
        with loaded_demo(django_db_blocker, times=1, today=DEMO_TODAY):
            first = counts()
            with fixed_today(DEMO_TODAY):
                call_command("load_demo", stdout=io.StringIO())
            yield first


@pytest.fixture
def loaded(loaded_twice, db) -> dict[str, int]:
    """Loads the demo twice; returns the counts after the first load."""
    return loaded_twice

"""The National Combating Drugs Outcomes Framework, from fixtures/outcomes_framework.json."""

import json
from pathlib import Path

from django.conf import settings

FRAMEWORK_FILE = Path(settings.BASE_DIR) / "fixtures" / "outcomes_framework.json"


def read_framework(path: Path = FRAMEWORK_FILE) -> dict:
    return json.loads(path.read_text())


def load_framework(outcome_model, metric_model, path: Path = FRAMEWORK_FILE) -> None:
    """Creates or updates the national outcomes and metrics. Idempotent.

    Takes the models as arguments so that a migration can pass its historical models.
    """
    data = read_framework(path)
    outcomes = {}
    for order, outcome in enumerate(data["outcomes"], start=1):
        outcomes[outcome["code"]], _ = outcome_model.objects.update_or_create(
            code=outcome["code"],
            defaults={"name": outcome["name"], "kind": outcome["kind"], "order": order},
        )
    for order, metric in enumerate(data["metrics"], start=1):
        metric_model.objects.update_or_create(
            code=metric["code"],
            owner=None,
            defaults={
                "name": metric["name"],
                "outcome": outcomes[metric["outcome"]],
                "tier": metric["tier"],
                "unit": metric["unit"],
                "polarity": metric["polarity"],
                "frequency": metric["frequency"],
                "source": metric["source"],
                "fingertips_id": metric.get("fingertips_id"),
                "disclosure_control": metric["disclosure_control"],
                "order": order,
            },
        )

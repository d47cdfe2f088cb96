"""England's regions and local authorities with their ONS codes, from fixtures/geography.json."""

import json
from pathlib import Path

from django.conf import settings

GEOGRAPHY_FILE = Path(settings.BASE_DIR) / "fixtures" / "geography.json"


def read_geography(path: Path = GEOGRAPHY_FILE) -> dict:
    return json.loads(path.read_text())


def load_geography(region_model, local_authority_model, path: Path = GEOGRAPHY_FILE) -> None:
    """Creates or updates the regions and local authorities. Idempotent.

    Takes the models as arguments so that a migration can pass its historical models.
    """
    data = read_geography(path)
    regions = {}
    for region in data["regions"]:
        regions[region["code"]], _ = region_model.objects.update_or_create(
            code=region["code"], defaults={"name": region["name"]}
        )
    for la in data["local_authorities"]:
        local_authority_model.objects.update_or_create(
            code=la["code"], defaults={"name": la["name"], "region": regions[la["region"]]}
        )

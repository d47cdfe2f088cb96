"""Each gunicorn worker compiles the templates before its first request (cdp.gunicorn)."""

from pathlib import Path

import crispy_forms_gds
from django.conf import settings
from django.template import engines

from cdp.gunicorn import warm_templates


def cached_names() -> set[str]:
    [loader] = engines["django"].engine.template_loaders
    return set(loader.get_template_cache)


def test_every_template_of_the_service_is_compiled_before_the_first_request():
    folders = [Path(settings.BASE_DIR) / "templates",
               Path(crispy_forms_gds.__file__).parent / "templates"]
    names = {p.relative_to(f).as_posix() for f in folders for p in f.rglob("*.html")}
    assert {"base.html", "cdp/dashboard.html", "account/login.html"} <= names

    compiled = warm_templates()

    assert compiled >= len(names) and names <= cached_names()

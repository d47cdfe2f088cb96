"""cdp/public/demo.py: load_demo publishes Rotherham's page, once."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from cdp.models import PublicPage

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_rotherhams_page_and_leaves_it_be_after(settings):
    settings.DEBUG = True
    cache.clear()
    call_command("load_demo", stdout=io.StringIO())
    page = PublicPage.objects.get(partnership__slug="rotherham")
    assert page.published and page.show_metrics and page.documents.exists()
    response = Client().get("/p/rotherham/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rotherham Drug Market Profile 2022" in body
    assert "MoRiLE" not in body  # the police risk assessments stay internal
    assert "Milestones by national priority" in body
    assert Client().get("/p/york/").status_code == 404

    # Loaded again: what its administrator changed since stays.
    PublicPage.objects.filter(pk=page.pk).update(show_metrics=False)
    call_command("load_demo", stdout=io.StringIO())
    assert not PublicPage.objects.get(pk=page.pk).show_metrics

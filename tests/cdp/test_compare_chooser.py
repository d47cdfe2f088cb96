"""The compare page's metric chooser: a GET form (works without JavaScript) whose answer,
/compare/?metric=<id>, redirects to /compare/<id>/; anything else is not found."""

import re

import pytest

from outcomes.models import Metric

pytestmark = pytest.mark.django_db


def in_treatment() -> Metric:
    return Metric.objects.get(code="numbers_in_treatment", owner=None)


def with_deaths(tenants) -> Metric:
    """Two national metrics in the reference data: numbers in treatment, and deaths."""
    from tests.outcomes.reference_figures import make_reference

    make_reference(["numbers_in_treatment", "drug_misuse_deaths"], [2021, 2022])
    return Metric.objects.get(code="drug_misuse_deaths", owner=None)


def options(body: str) -> list[tuple[str, str, bool]]:
    """The select's options: (value, text, selected)."""
    select = re.search(r'<select class="govuk-select" id="metric" name="metric">(.*?)</select>',
                       body, re.S)
    assert select, "no metric chooser"
    return [(value, text, bool(selected)) for value, selected, text in re.findall(
        r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))]


def test_the_chooser_is_a_get_form_with_a_labelled_select_and_a_show_button(client, tenants):
    from tests.outcomes.reference_figures import make_reference

    make_reference(["numbers_in_treatment"], [2022])
    client.force_login(tenants.users["regional"])
    body = client.get("/compare/").content.decode()
    assert '<form method="get" action="/compare/">' in body
    assert '<label class="govuk-label govuk-label--s" for="metric">Metric</label>' in body
    assert re.search(r'<button type="submit" class="govuk-button[^"]*"[^>]*>Show</button>', body)
    assert options(body) == [(str(in_treatment().pk),
                              "The numbers in treatment for adults and young people", False)]
    # Only metrics in the reference data: Rotherham's own figures for others do not count.


def test_choosing_a_metric_redirects_to_its_page_which_preselects_it(client, tenants):
    deaths = with_deaths(tenants)
    client.force_login(tenants.users["regional"])
    response = client.get("/compare/", {"metric": str(deaths.pk)})
    assert response.status_code == 302
    assert response["Location"] == f"/compare/{deaths.pk}/"
    body = client.get(response["Location"]).content.decode()
    chosen = options(body)
    assert {value for value, _, _ in chosen} == {str(deaths.pk), str(in_treatment().pk)}
    assert [value for value, _, selected in chosen if selected] == [str(deaths.pk)]
    assert f"<h1 class=\"govuk-heading-l\">{deaths.name}</h1>" in body
    # The chooser is the way to another metric: no list of links under the chart.
    assert f'href="/compare/{in_treatment().pk}/"' not in body
    # Chosen from a metric's page, the form goes to the same place.
    response = client.get(f"/compare/{deaths.pk}/", {"metric": str(in_treatment().pk)})
    assert (response.status_code, response["Location"]) == (
        302, f"/compare/{in_treatment().pk}/")


def test_a_metric_the_viewer_cannot_compare_is_not_found(client, tenants):
    from tests.outcomes.reference_figures import make_reference

    client.force_login(tenants.users["outsider"])
    assert "No figures to compare yet." in client.get("/compare/").content.decode()
    make_reference(["numbers_in_treatment"], [2022])
    client.force_login(tenants.users["superuser"])
    local = Metric.objects.get(owner=tenants.a, code="digital_iba")
    not_compared = Metric.objects.filter(owner=None).exclude(pk=in_treatment().pk).first()
    missing = Metric.objects.order_by("-pk").first().pk + 1
    for metric_id in (local.pk, not_compared.pk, missing):
        assert client.get("/compare/", {"metric": str(metric_id)}).status_code == 404
        assert client.get(f"/compare/{metric_id}/").status_code == 404
    # The reference data is shared: anyone signed in compares its metrics.
    client.force_login(tenants.users["outsider"])
    assert client.get("/compare/", {"metric": str(in_treatment().pk)}).status_code == 302


@pytest.mark.parametrize("value", ["", "abc", "1.5", "-1", "+1", "1e3", "0x10", "١",
                                   "99999999999999999999999"])
def test_a_value_that_is_not_a_metric_id_is_not_found(client, tenants, value):
    with_deaths(tenants)
    client.force_login(tenants.users["regional"])
    assert client.get("/compare/", {"metric": value}).status_code == 404


def test_signing_in_comes_first(client, tenants):
    from tests.outcomes.reference_figures import make_reference

    make_reference(["numbers_in_treatment"], [2022])
    response = client.get("/compare/", {"metric": str(in_treatment().pk)})
    assert response.status_code == 302 and "/compare/" not in response["Location"].split("?")[0]

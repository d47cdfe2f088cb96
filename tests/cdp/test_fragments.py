"""The dashboard's tiles and a metric page's charts, kept in the cache (cdp/fragments.py):
served from it while nothing they show has changed, never after a change, and never to
another partnership or role."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cdp import fragments
from outcomes import services
from outcomes.models import Metric, MetricSummary
from partnerships import access

pytestmark = pytest.mark.django_db
DASHBOARD = "/partnerships/{slug}/"


def in_treatment() -> Metric:
    return Metric.objects.get(code="numbers_in_treatment", owner=None)


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def tiles(body: str) -> str:
    start = body.index('<div class="cdp-outcome-groups">')
    return body[start:body.index('<h2 class="govuk-heading-l">Action plan progress</h2>')]


def load(tenants, value: int, period: str = "2023/24") -> None:
    """A new figure for Rotherham, imported and recomputed (as the worker would)."""
    services.import_file(
        partnership=tenants.a, user=tenants.users["a_analyst"], file_name="new.csv",
        data=f"metric,area_code,period,value\nnumbers_in_treatment,E08000018,{period},"
             f"{value}\n".encode(), format="tidy", accept_valid=True)
    services.summaries_recompute(partnership_ids=[tenants.a.pk])


def test_tiles_come_from_the_cache_until_a_recompute_changes_them(client, tenants):
    url = DASHBOARD.format(slug="rotherham")
    first = page(client, tenants.users["a_viewer"], url)
    assert "2,153" in tiles(first)
    # A hit reads neither the summaries nor the areas.
    with CaptureQueriesContext(connection) as queries:
        assert tiles(client.get(url).content.decode()) == tiles(first)
    assert not any("outcomes_metricsummary" in q["sql"] for q in queries.captured_queries)
    # A row changed behind the recompute's back is not seen: the cache served the tiles.
    MetricSummary.objects.filter(partnership=tenants.a).update(area_name="Changed behind")
    assert "Changed behind" not in client.get(url).content.decode()
    # A recompute (an import, here) changes the key: the new figure shows at once.
    load(tenants, 2999)
    body = client.get(url).content.decode()
    assert '<p class="cdp-tile__value">2,999 <span class="cdp-tile__period">2023/24' in tiles(
        body)


def test_a_change_to_a_metric_target_or_the_framework_shows_at_once(client, tenants):
    url = DASHBOARD.format(slug="rotherham")
    page(client, tenants.users["a_analyst"], url)
    metric = in_treatment()
    metric.short_name = "People in drug treatment (renamed)"
    metric._history_user = tenants.users["superuser"]
    metric.save()
    assert "People in drug treatment (renamed)" in tiles(client.get(url).content.decode())
    # A target taken away through the service (recomputed, as the worker would).
    assert "2,521" in tiles(client.get(url).content.decode())
    services.target_delete(target=tenants.a.targets.get(), user=tenants.users["a_analyst"])
    services.summaries_recompute(partnership_ids=[tenants.a.pk])
    assert "2,521" not in tiles(client.get(url).content.decode())
    # The framework is read as it is: a metric taken out of it goes at once, before any
    # recompute (none is asked for).
    entry = tenants.a.framework_metrics.get(metric=metric)
    drugs = Metric.objects.get(code="drug_misuse_deaths", owner=None)
    services.framework_metric_add(partnership=tenants.a, user=tenants.users["a_analyst"],
                                  metric=drugs, aim=None)
    services.framework_metric_remove(entry=entry, user=tenants.users["a_analyst"])
    assert "renamed" not in tiles(client.get(url).content.decode())


def test_the_plans_progress_follows_every_update_and_the_day(client, tenants, clock):
    """The plan's progress and the milestones needing attention are kept with the tiles'
    version: an update to the plan shows at once, and so does a due date passing."""
    from actionplans import services as plans

    url = DASHBOARD.format(slug="rotherham")
    lead = tenants.users["a_lead"]
    milestone = plans.milestone_create(
        key_action=tenants.milestones["a"].key_action, user=lead, title="Naloxone in hostels",
        due_date=date(2027, 1, 31), status="on_track")
    services.summaries_recompute(partnership_ids=[tenants.a.pk])
    clock.set(date(2027, 1, 31))
    assert "Naloxone in hostels" not in page(client, tenants.users["a_viewer"], url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not any("actionplans_milestone" in q["sql"] for q in queries.captured_queries)
    plans.progress_update_add(milestone=milestone, user=lead, version=milestone.version,
                              status="at_risk", text="Two hostels have not replied")
    assert "Naloxone in hostels" in client.get(url).content.decode()  # no recompute needed
    plans.progress_update_add(milestone=milestone, user=lead, version=milestone.version + 1,
                              status="on_track", text="Both replied")
    assert "Naloxone in hostels" not in client.get(url).content.decode()
    clock.set(date(2027, 2, 1))  # the next day it is overdue, with no edit and no recompute
    assert "Naloxone in hostels" in client.get(url).content.decode()


def test_a_new_day_language_or_role_has_its_own_key(tenants):
    version = fragments.page_version(partnership_id=tenants.a.pk)
    assert version["computed_at"] is not None

    def key(partnership=tenants.a, today=date(2026, 12, 7), actions=(access.VIEW,)):
        return fragments.fragment_key("dashboard-tiles", partnership=partnership,
                                      version=version, today=today, actions=actions)

    keys = {key(), key(today=date(2026, 12, 8)), key(actions=(access.VIEW, access.LOAD_DATA)),
            key(partnership=tenants.b)}
    from django.utils import translation

    with translation.override("cy"):
        keys.add(key())
    assert len(keys) == 5
    assert key() == key()  # and the same when nothing differs
    # Never computed: rendered afresh every time.
    assert fragments.fragment_key("dashboard-tiles", partnership=tenants.a, version=None,
                                  today=date(2026, 12, 7), actions=()) is None


def test_overdue_targets_follow_the_day(client, tenants, clock):
    """A new day is a new key: a target's status is derived from today."""
    url = DASHBOARD.format(slug="rotherham")
    clock.set(date(2024, 6, 1))
    before = tiles(page(client, tenants.users["a_viewer"], url))
    clock.set(date(2031, 6, 1))  # long past the target's due date
    after = tiles(client.get(url).content.decode())
    assert before != after


def test_one_partnership_or_role_never_gets_anothers_tiles(client, tenants):
    from partnerships import services as partnership_services
    from partnerships.models import Region

    a_body = tiles(page(client, tenants.users["a_admin"], DASHBOARD.format(slug="rotherham")))
    b_body = tiles(page(client, tenants.users["b_viewer"], DASHBOARD.format(slug="darlington")))
    assert "interventions (a)" not in b_body and "interventions (b)" not in a_body
    assert set(re.findall(r"/partnerships/([a-z-]+)/metrics/", b_body)) == {"darlington"}
    assert set(re.findall(r"/partnerships/([a-z-]+)/metrics/", a_body)) == {"rotherham"}
    # A partnership with no figures: "Load some" is for those who may load data only,
    # whoever asked first.
    c = partnership_services.partnership_create(
        name="Barnsley CDP", slug="barnsley", region=Region.objects.get(code="E12000003"),
        local_authority_codes=["E08000016"])
    for name, role in (("a_analyst", "analyst"), ("a_viewer", "viewer")):
        partnership_services.membership_create(partnership=c, user=tenants.users[name],
                                               role=role)
    services.summaries_request(partnership_ids=[c.pk])
    services.summaries_recompute(partnership_ids=[c.pk])
    url = DASHBOARD.format(slug="barnsley")
    assert "Load some" in tiles(page(client, tenants.users["a_analyst"], url))
    assert "Load some" not in tiles(page(client, tenants.users["a_viewer"], url))
    assert "Load some" in tiles(page(client, tenants.users["a_analyst"], url))


def test_a_metric_pages_charts_follow_its_notes_and_figures(client, tenants):
    metric = in_treatment()
    url = f"/partnerships/rotherham/metrics/{metric.pk}/"
    body = page(client, tenants.users["a_lead"], url)
    assert "New treatment provider from 1 April" in body
    note = tenants.annotations["a"]
    services.annotation_update(annotation=note, user=tenants.users["a_lead"], on=note.date,
                               text="A changed note")
    body = client.get(url).content.decode()
    charts = body[:body.index('id="annotations"')]
    assert "A changed note" in charts  # in the chart's table and its figure
    load(tenants, 3111)
    assert "3111" in client.get(url).content.decode().replace(",", "")
    # Darlington's page never shows Rotherham's figures or notes.
    other = page(client, tenants.users["b_viewer"],
                 f"/partnerships/darlington/metrics/{metric.pk}/")
    assert "3111" not in other.replace(",", "") and "A changed note" not in other


def test_a_metric_pages_milestones_follow_every_update_and_the_day(client, tenants, clock):
    """The milestones a metric measures are kept with the page's version, as the dashboard's
    plan is: a hit reads no milestone; an update and a due date passing show at once."""
    from actionplans import services as plans

    metric = in_treatment()
    url = f"/partnerships/rotherham/metrics/{metric.pk}/"
    lead = tenants.users["a_lead"]
    milestone = plans.milestone_create(
        key_action=tenants.milestones["a"].key_action, user=lead, title="Outreach van",
        due_date=date(2027, 1, 31), status="on_track", metrics=[metric])
    services.summaries_recompute(partnership_ids=[tenants.a.pk])
    clock.set(date(2027, 1, 31))
    body = page(client, tenants.users["a_viewer"], url)
    assert "Outreach van" in body and "Overdue" not in body[body.index("Outreach van"):]
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not any("actionplans_milestone" in q["sql"] for q in queries.captured_queries)
    plans.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                           changes={"title": "Outreach van in Maltby"})
    body = client.get(url).content.decode()  # no recompute needed
    assert "Outreach van in Maltby" in body
    clock.set(date(2027, 2, 1))  # the next day it is overdue, with no edit and no recompute
    body = client.get(url).content.decode()
    assert "Overdue" in body[body.index("Outreach van in Maltby"):]


def test_a_plan_update_keeps_the_tiles_and_figures_but_not_the_plans_fragments(client, tenants):
    """A plan update asks for a recompute (the plan's progress is summarised too) but changes
    no figure: the tiles and a metric page's figures stay in the cache, while the plan's
    fragments are read afresh, so the update shows at once."""
    from actionplans import services as plans

    lead, milestone = tenants.users["a_lead"], tenants.milestones["a"]
    urls = [DASHBOARD.format(slug="rotherham"),
            f"/partnerships/rotherham/metrics/{in_treatment().pk}/"]
    for url in urls:
        page(client, lead, url)
    plans.progress_update_add(milestone=milestone, user=lead, version=milestone.version,
                              status="off_track", text="Provider withdrew")
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        read = " ".join(q["sql"] for q in queries.captured_queries)
        assert "outcomes_metricsummary" not in read, url
        assert "actionplans_milestone" in read, url


def test_the_spine_comes_from_the_cache_until_its_figures_or_metrics_change(client, tenants):
    """The spine's chart and table are kept under the tiles' version: a hit reads no
    summaries; a recompute and a renamed metric show at once; another partnership's is its
    own."""
    url = "/partnerships/rotherham/spine/"
    first = page(client, tenants.users["a_viewer"], url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content.decode().count("2,153") == first.count("2,153") > 0
    assert not any("outcomes_metricsummary" in q["sql"] for q in queries.captured_queries)
    load(tenants, 2999)
    assert "2,999" in client.get(url).content.decode()
    metric = in_treatment()
    metric.name = "Adults in drug treatment (renamed)"
    metric._history_user = tenants.users["superuser"]
    metric.save()
    assert "Adults in drug treatment (renamed)" in client.get(url).content.decode()
    other = page(client, tenants.users["b_viewer"], "/partnerships/darlington/spine/")
    assert "2,999" not in other and "/partnerships/rotherham/" not in other

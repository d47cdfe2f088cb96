"""Query counts per page and endpoint: pinned, and the same whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes import services
from partnerships import services as partnership_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants


# (who, URL, queries). A partnership's page reads the session, the user, then the partnership
# with the user's permissions on it in one query (partnerships.access.partnership_and_actions:
# one fewer than when the actions and the partnership were read apart), then its own.
# The session's idle clock is renewed at most once a minute (cdp/sessions.py),
# so these requests, a moment after signing in, save no session; a renewal adds three queries
# (savepoint, update, release: tests/cdp/test_sessions.py). The dashboard and a metric page read
# their tiles and charts from the cache (cdp/fragments.py): its version query replaces the one
# for when the figures were computed, and a hit reads neither the summaries nor the areas (nor,
# on the dashboard, the plan's progress and the milestones needing attention; on a metric page,
# the milestones it measures).
PAGES = [
    ("a_admin", "/partnerships/rotherham/members/", 4),
    ("a_viewer", "/partnerships/rotherham/documents/", 4),
    ("a_admin", "/partnerships/rotherham/documents/{document}/", 5),
    ("a_analyst", "/partnerships/rotherham/data/imports/", 4),
    # An import's page also groups its skipped rows by reason (one query).
    ("a_analyst", "/partnerships/rotherham/data/imports/{batch}/", 6),
    ("a_viewer", "/partnerships/rotherham/data/framework/", 8),
    ("a_viewer", "/partnerships/rotherham/data/coverage/", 4),
    ("a_analyst", "/partnerships/rotherham/data/values/new/", 5),
    # The plan page reads its milestones, filter form and tables from the cache
    # (actionplans/plan_fragment.py): its version query replaces the key actions (and their
    # partners), the milestones, the leads and the organisations.
    ("a_viewer", "/partnerships/rotherham/plan/", 5),
    # Filtered on the status shown (overdue derived in the query), and on the one recorded.
    ("a_viewer", "/partnerships/rotherham/plan/?group=strand&status=overdue&status=on_track",
     5),
    ("a_viewer", "/partnerships/rotherham/plan/?group=strand&overdue=true", 5),
    # The milestone's page: its progress log is two queries (entries, their evidence).
    ("a_viewer", "/partnerships/rotherham/plan/milestones/{milestone}/", 11),
    # The progress form reads the milestone alone: not its plan, metrics or partners.
    ("a_lead", "/partnerships/rotherham/plan/milestones/{milestone}/progress/", 4),
    ("a_lead", "/partnerships/rotherham/plan/milestones/overdue/", 5),
    ("a_viewer", "/partnerships/rotherham/plan/risks/", 5),
    # A lead's own milestones, across partnerships: the milestones, and where they may edit.
    ("a_lead", "/my-milestones/", 4),
    ("a_viewer", "/partnerships/rotherham/plan/report/?year=1", 9),
    ("a_viewer", "/partnerships/rotherham/plan/export.xlsx", 7),
    ("a_lead", "/partnerships/rotherham/plan/import/", 5),
    ("a_lead", "/partnerships/rotherham/plan/weekly-email/", 6),
    ("a_lead", "/partnerships/rotherham/plan/weekly-email/preview/", 7),
    ("a_viewer", "/partnerships/rotherham/", 4),
    ("a_viewer", "/partnerships/rotherham/metrics/{metric}/", 6),
    ("a_lead", "/partnerships/rotherham/metrics/{metric}/", 6),
    ("a_lead", "/partnerships/rotherham/metrics/{metric}/annotations/new/", 4),
    ("a_analyst", "/partnerships/rotherham/metrics/{metric}/annotations/{annotation}/", 4),
    ("a_lead", "/partnerships/rotherham/metrics/{metric}/annotations/{annotation}/delete/", 4),
    ("a_viewer", "/partnerships/rotherham/metrics/{metric}/data.csv", 5),
    # The spine keeps its chart and table with the tiles' version: a hit reads no summaries,
    # and the version says when they were computed.
    ("a_viewer", "/partnerships/rotherham/spine/", 4),
    ("a_admin", "/partnerships/rotherham/public-page/", 13),
    ("a_admin", "/partnerships/rotherham/public-page/preview/", 8),
    ("regional", "/compare/{metric}/", 5),
    ("outsider", "/compare/{metric}/?period=2022&region=E12000003", 5),
    ("a_viewer", "/compare/", 5),
    ("superuser", "/partnerships/", 3),
    ("superuser", "/data/fingertips-sync/", 4),
    ("a_viewer", "/api/v1/partnerships/", 4),
    ("a_analyst", "/api/v1/imports/", 3),
    ("a_analyst", "/api/v1/imports/{batch}/problems/", 4),
    ("a_viewer", "/api/v1/action-plans/", 3),
    ("a_viewer", "/api/v1/milestones/", 5),
    # A milestone's progress log: the milestone, its entries and their evidence.
    ("a_viewer", "/api/v1/milestones/{milestone}/updates/", 5),
    ("a_viewer", "/api/v1/metrics/", 3),
    ("a_viewer", "/api/v1/observations/", 3),
    # A filter naming metrics asks once whether the user may see them (an unknown one is a
    # 400 naming it: partnerships/api/filters.py), hence one more than the unfiltered list.
    ("regional", "/api/v1/observations/?metric=numbers_in_treatment&period_from=2010", 4),
    ("a_viewer", "/api/v1/benchmarks/", 3),
    ("a_viewer", "/api/v1/reference/", 3),
    ("outsider", "/api/v1/reference/?metric=drug_misuse_deaths,continuity_of_care&period=2022"
                 "&parent=E12000003", 4),
    ("a_viewer", "/api/v1/summaries/", 3),
    ("a_viewer", "/api/v1/targets/", 3),
    ("a_viewer", "/api/v1/docs/", 2),
    ("a_viewer", "/api/v1/docs/explorer/", 2),
]


def grow(tenants) -> None:
    """More of everything the pages list: members, imports, problems, observations, and
    objectives, key actions, milestones (with their history), risks and asks."""
    from datetime import date

    from actionplans import services as plans

    lead = tenants.users["a_lead"]
    milestone = tenants.milestones["a"]
    for n in range(4):
        objective = plans.objective_create(plan=tenants.plans["a"], user=lead,
                                           title=f"Objective {n}", priority="demand",
                                           strand="prevent")
        action = plans.key_action_create(objective=objective, user=lead, title=f"Action {n}",
                                         lead=lead,
                                         responsible_partners=tenants.a.organisations.all())
        for m in range(3):
            plans.milestone_create(key_action=action, user=lead, title=f"Milestone {n}.{m}",
                                   plan_year=1, due_date=date(2022, 6, 1) if m else None,
                                   status="at_risk", metrics=milestone.metrics.all())
        milestone = plans.progress_update_add(
            milestone=milestone, user=lead, version=milestone.version, status="on_track",
            text=f"Update {n}", links=[f"https://example.org/{n}"]).milestone
        plans.risk_save(partnership=tenants.a, user=lead, title=f"Risk {n}", likelihood=2,
                        impact=3, owner="Board")
        plans.ask_save(partnership=tenants.a, user=lead, title=f"Ask {n}", request="Help",
                       directed_to="Responsible Authorities")
    for n in range(6):
        user = tenants.users["b_viewer"].__class__.objects.create_user(f"extra{n}")
        partnership_services.membership_create(partnership=tenants.a, user=user, role="viewer")
        services.import_file(
            partnership=tenants.a, user=tenants.users["a_analyst"], file_name=f"more{n}.csv",
            data=(f"metric,area_code,period,value\nnumbers_in_treatment,E08000018,{2010 + n},"
                  f"{n}\ncontinuity_of_care,E08000019,2020,1\n").encode(),
            format="tidy", accept_valid=True,
        )
    # More metrics with figures, and longer series: the dashboards read the summaries.
    services.import_file(
        partnership=tenants.a, user=tenants.users["a_analyst"], file_name="series.csv",
        data=("metric,area_code,period,value\n" + "".join(
            f"{code},E08000018,{year},{year - 2000}\n" for year in range(2001, 2020)
            for code in ("drug_misuse_deaths", "continuity_of_care", "drug_offences"))).encode(),
        format="tidy", accept_valid=True,
    )
    from outcomes.models import FrameworkMetric, Metric, ReferenceFigure

    for code in ("drug_misuse_deaths", "continuity_of_care", "drug_offences"):
        FrameworkMetric.objects.create(partnership=tenants.a,
                                       metric=Metric.objects.get(code=code, owner=None))
    # More key documents, and more changes in the history of the first.
    from partnerships.models import KeyDocument

    first = KeyDocument.objects.filter(partnership=tenants.a).order_by("pk").first()
    admin = tenants.users["a_admin"]
    for n in range(4):
        partnership_services.key_document_create(
            partnership=tenants.a, user=admin, title=f"Document {n}", kind="other",
            status="completed", link=f"https://example.org/{n}.pdf")
        first = partnership_services.key_document_update(
            document=first, user=admin, version=first.version, title=first.title,
            kind=first.kind, status="in_progress" if n % 2 else "completed",
            link=f"https://example.org/needs-{n}.pdf")
    # More notes on the metric page's charts, by more writers.
    in_treatment = Metric.objects.get(code="numbers_in_treatment", owner=None)
    for n, writer in enumerate(["a_lead", "a_analyst", "a_admin"] * 3):
        services.annotation_create(partnership=tenants.a, user=tenants.users[writer],
                                   metric=in_treatment, on=date(2012 + n, 4, 1),
                                   text=f"Note {n}")
    # The national reference data: every upper-tier area's published figures, which the
    # dashboards take for their own areas and rank among.
    from partnerships.models import LocalAuthority

    ReferenceFigure.objects.bulk_create([
        ReferenceFigure(metric=in_treatment, area_code=code, area_type="Upper tier",
                        period_label=f"{year}/{(year + 1) % 100:02d}",
                        period_start=date(year, 4, 1), period_end=date(year + 1, 3, 31),
                        period_year_type="financial", period_sortable=year * 10000,
                        value=1000 + n + year, sex="Persons", age="All ages")
        for n, code in enumerate(LocalAuthority.objects.values_list("code", flat=True))
        for year in range(2018, 2023)])
    services.summaries_recompute(partnership_ids=[tenants.a.pk])
    # More indicators on the Fingertips sync's page, added by an admin, with their batches.
    from outcomes.models import FingertipsIndicator

    for n in range(5):
        FingertipsIndicator.objects.create(
            indicator_id=90000 + n, child_area_type_id=502, metric=in_treatment,
            added_by=tenants.users["superuser"], last_batch=tenants.batches["a"],
            state="stopped" if n % 2 else "ok", stopped_reason="Stopped" if n % 2 else "")
    # More reference data: metrics × every test area × years.
    from tests.outcomes.reference_figures import make_reference

    years = (2019, 2020) if ReferenceFigure.objects.filter(period_label="2021").exists() else (
        2019, 2020, 2021, 2022)
    make_reference(years=years)


def count(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(("username", "url", "pinned"), PAGES, ids=[p[1] for p in PAGES])
def test_query_count_is_pinned_and_flat(client, tenants, username, url, pinned):
    from outcomes.models import Metric
    from partnerships.models import KeyDocument

    document = KeyDocument.objects.filter(partnership=tenants.a).order_by("pk").first()
    url = url.format(batch=tenants.batches["a"].pk, milestone=tenants.milestones["a"].pk,
                     document=document.pk,
                     metric=Metric.objects.get(code="numbers_in_treatment", owner=None).pk,
                     annotation=tenants.annotations["a"].pk)
    from tests.outcomes.reference_figures import make_reference

    make_reference()  # the reference data before growing: grow() adds more years
    client.force_login(tenants.users[username])
    before = count(client, url)
    grow(tenants)
    after = count(client, url)
    assert (before, after) == (pinned, pinned)


# A hit in the plan page's cache (actionplans/plan_fragment.py): 5, where reading the
# milestones took 9.
PLAN_PAGES = [("/partnerships/rotherham/plan/", 5),
              ("/partnerships/rotherham/plan/?status=overdue&status=at_risk&group=strand", 5)]


@pytest.mark.parametrize(("url", "pinned"), PLAN_PAGES, ids=[p[0] for p in PLAN_PAGES])
def test_the_plan_page_is_flat_in_milestones_and_log_entries(client, tenants, url, pinned):
    """The plan page shows each milestone's latest entry: the same queries with one
    milestone and one entry as with more milestones, each with a long progress log
    (bench/bench_plan_log.py times 500 milestones with 20 entries each)."""
    from datetime import date

    from actionplans import services as plans

    client.force_login(tenants.users["a_viewer"])
    before = count(client, url)
    lead = tenants.users["a_lead"]
    action = tenants.milestones["a"].key_action
    for n in range(6):
        milestone = plans.milestone_create(
            key_action=action, user=lead, title=f"Milestone {n}", status="on_track",
            due_date=date(2022 + n, 6, 1), metrics=tenants.milestones["a"].metrics.all())
        for m in range(5):
            milestone = plans.progress_update_add(
                milestone=milestone, user=lead, version=milestone.version,
                status=["on_track", "at_risk"][m % 2], text=f"Entry {m}").milestone
    after = count(client, url)
    assert "Entry 4" in client.get(url).content.decode()
    assert (before, after) == (pinned, pinned)


# A partnership of several areas: each metric's areas side by side, and combined.
SEVERAL_AREAS = [("/partnerships/rotherham/", 4),
                 ("/partnerships/rotherham/metrics/{metric}/", 6)]


@pytest.mark.parametrize(("url", "pinned"), SEVERAL_AREAS, ids=[p[0] for p in SEVERAL_AREAS])
def test_several_areas_side_by_side_are_pinned_and_flat(client, tenants, url, pinned):
    """Rotherham's partnership made Rotherham, Sheffield and Barnsley: the same queries
    whatever the number of areas and metrics with figures (`grow` loads Sheffield's too)."""
    from outcomes.models import Metric
    from partnerships.models import LocalAuthority

    tenants.a.local_authorities.add(*LocalAuthority.objects.filter(
        code__in=["E08000016", "E08000019"]))
    metric = Metric.objects.get(code="continuity_of_care", owner=None)
    url = url.format(metric=metric.pk)
    client.force_login(tenants.users["a_viewer"])
    before = count(client, url)
    grow(tenants)
    body = client.get(url).content.decode()
    assert "Sheffield" in body and ("cdp-tile--areas" in body or "side by side" in body)
    after = count(client, url)
    assert (before, after) == (pinned, pinned)


# (JSON, CSV) with a token: its two reads (the token with its user, and the user's expired
# tokens to clear) and the list's own. The big lists' CSV streams from one query in a
# transaction (a savepoint and its release here, inside the test's transaction).
API_LISTS = {"metrics": (3, 5), "observations": (3, 5), "benchmarks": (3, 5),
             "reference": (3, 5),
             "summaries": (3, 5), "targets": (3, 5), "partnerships": (4, 4),
             "milestones": (5, 5), "action-plans": (3, 3), "imports": (3, 3),
             "coverage": (3, 3), "annotations": (3, 5)}


@pytest.mark.parametrize(("resource", "pinned"), API_LISTS.items())
def test_api_queries_are_pinned_whatever_the_page_size_and_format(tenants, resource, pinned):
    from django.test import Client

    from cdp.tokens import token_create

    grow(tenants)
    _, key = token_create(user=tenants.users["a_admin"], name="counts")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    # A token's first use in an hour notes "last used" (one UPDATE: tests/cdp/
    # test_api_auth.py); these are the counts of every request after it in that hour.
    assert client.get("/api/v1/").status_code == 200
    counts = [count(client, f"/api/v1/{resource}/?page_size={size}") for size in (1, 1000)]

    def csv_count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/{resource}/?format=csv")
            assert b"".join(response.streaming_content).count(b"\n") >= 1
        return len(queries)

    assert counts + [csv_count()] == [pinned[0], pinned[0], pinned[1]]


# The public page, signed out: rendered once (cold: its version, then what it shows), then
# served from the cache (warm: its version alone), with every section and more marked.
PUBLIC_PAGE_COLD, PUBLIC_PAGE_WARM = 13, 1


def test_public_page_queries_cold_and_warm_are_pinned_and_flat(tenants):
    from django.core.cache import cache
    from django.test import Client

    from actionplans.models import Milestone, Risk
    from cdp.public.services import public_page_save
    from outcomes.models import Metric
    from partnerships.models import KeyDocument

    def publish() -> None:
        a = tenants.a
        public_page_save(
            partnership=a, user=tenants.users["a_admin"], published=True, show_members=True,
            show_plan=True, show_documents=True, show_metrics=True,
            documents=KeyDocument.objects.filter(partnership=a),
            milestones=Milestone.objects.filter(partnership=a),
            risks=Risk.objects.filter(partnership=a),
            metrics=Metric.objects.filter(owner=a) | Metric.objects.filter(
                code="drug_offences", owner=None))

    def cold_and_warm() -> tuple[int, int]:
        cache.clear()
        found = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert Client().get("/p/rotherham/").status_code == 200
            found.append(len(queries))
        return found[0], found[1]

    publish()
    before = cold_and_warm()
    grow(tenants)
    publish()
    after = cold_and_warm()
    assert (before, after) == ((PUBLIC_PAGE_COLD, PUBLIC_PAGE_WARM),) * 2


# Board packs: the list, a pack's page, its progress bar's JSON and its PDF.
BOARD_PACK_PAGES = [
    ("a_viewer", "/partnerships/rotherham/board-packs/", 4),
    ("a_lead", "/partnerships/rotherham/board-packs/", 4),
    ("a_viewer", "/partnerships/rotherham/board-packs/{pack}/", 4),
    ("a_viewer", "/partnerships/rotherham/board-packs/{pack}/progress/", 4),
    ("a_viewer", "/partnerships/rotherham/board-packs/{pack}/board-pack.pdf", 4),
]


@pytest.mark.parametrize(("username", "url", "pinned"), BOARD_PACK_PAGES,
                         ids=[f"{p[0]}-{p[1]}" for p in BOARD_PACK_PAGES])
def test_board_pack_query_counts_are_pinned_and_flat(client, tenants, username, url, pinned):
    from cdp.models import BoardPack
    from tests.test_isolation import board_pack

    url = url.format(pack=board_pack(tenants, "a")["pk"])
    from tests.outcomes.reference_figures import make_reference

    make_reference()  # the reference data before growing: grow() adds more years
    client.force_login(tenants.users[username])
    before = count(client, url)
    grow(tenants)
    for maker in ("a_lead", "a_analyst", "a_admin"):  # more packs, asked for by more people
        for status in ("ready", "failed", "generating"):
            BoardPack.objects.create(partnership=tenants.a, requested_by=tenants.users[maker],
                                     status=status)
    after = count(client, url)
    assert (before, after) == (pinned, pinned)

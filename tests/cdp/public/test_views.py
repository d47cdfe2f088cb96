"""The public page at /p/<slug>/: nothing unpublished ever reaches it, it holds nothing per
user, and its cached copy changes whenever what it shows changes. Its settings page."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from actionplans import services as plans
from cdp.models import PublicPage
from cdp.public.services import public_page_save
from outcomes import services as outcomes
from outcomes.models import FrameworkMetric, Metric
from partnerships.models import KeyDocument, Organisation

pytestmark = pytest.mark.django_db

URL = "/p/rotherham/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


class Planted:
    """Distinctive words and figures in every field the page must not show unless they are
    published, in partnership A (Rotherham)."""

    MILESTONE_TITLE = "Zebrafinch outreach in hostels"
    MILESTONE_NOTE = "Quokka: two hostels refused access"
    RISK_TITLE = "Marmoset cuckooing in tower blocks"
    RISK_TEXT = "Axolotl: intelligence from the force"
    RISK_MITIGATION = "Pangolin protocol with housing"
    POLICE_LOCAL = "Narwhal disruptions of dealing"
    POLICE_LOCAL_VALUE = "987,654"
    POLICE_NATIONAL_VALUE = "313,131"
    DOCUMENT = "Capybara drug market profile"
    DOCUMENT_LINK = "https://example.org/capybara.pdf"
    # Deaths from drug misuse built on counts of 3 (latest) and 2 (previous): suppressed.
    SMALL_RATES = ("47.61", "47.6", "52.77", "52.8")

    def __init__(self, tenants):
        self.tenants = tenants
        a, lead, analyst = tenants.a, tenants.users["a_lead"], tenants.users["a_analyst"]
        milestone = plans.milestone_create(
            key_action=tenants.milestones["a"].key_action, user=lead,
            title=self.MILESTONE_TITLE, due_date=date(2030, 3, 31), status="at_risk")
        self.milestone = plans.milestone_update(
            milestone=milestone, user=lead, version=milestone.version,
            changes={"progress_note": self.MILESTONE_NOTE})
        self.risk = plans.risk_save(partnership=a, user=lead, title=self.RISK_TITLE,
                                    description=self.RISK_TEXT, mitigation=self.RISK_MITIGATION,
                                    likelihood=5, impact=4, owner="Police")
        self.document = KeyDocument.objects.create(
            partnership=a, title=self.DOCUMENT, kind=KeyDocument.Kind.DRUG_MARKET_PROFILE,
            status=KeyDocument.Status.COMPLETED, link=self.DOCUMENT_LINK)
        self.police_local = Metric.objects.create(
            owner=a, code="narwhal", name=self.POLICE_LOCAL, tier=Metric.Tier.LOCAL,
            unit=Metric.Unit.COUNT, polarity=Metric.Polarity.NO_JUDGEMENT,
            frequency=Metric.Frequency.ANNUAL, source="South Yorkshire Police")
        self.police_national = Metric.objects.get(code="county_lines_closed", owner=None)
        self.deaths = Metric.objects.get(code="drug_misuse_deaths", owner=None)
        assert self.deaths.disclosure_control and self.deaths.tier == "headline"
        for metric in (self.police_local, self.police_national, self.deaths):
            FrameworkMetric.objects.create(partnership=a, metric=metric)
        outcomes.import_file(
            partnership=a, user=analyst, file_name="planted.csv", format="tidy",
            data=(b"metric,area_code,period,value,count\n"
                  b"narwhal,E08000018,2022/23,987654,987654\n"
                  b"county_lines_closed,E08000018,2022/23,313131,313131\n"
                  b"drug_misuse_deaths,E08000018,2017 - 19,8.5,40\n"
                  b"drug_misuse_deaths,E08000018,2018 - 20,52.77,2\n"
                  b"drug_misuse_deaths,E08000018,2019 - 21,47.61,3\n"))
        outcomes.summaries_recompute(partnership_ids=[a.pk])

    def secrets(self) -> dict[str, list[str]]:
        return {
            "milestone": [self.MILESTONE_TITLE, self.MILESTONE_NOTE],
            "risk": [self.RISK_TITLE, self.RISK_TEXT, self.RISK_MITIGATION],
            "police_local": [self.POLICE_LOCAL, self.POLICE_LOCAL_VALUE, "987654"],
            "police_national": [self.police_national.name, self.POLICE_NATIONAL_VALUE,
                                "313131"],
            "document": [self.DOCUMENT, self.DOCUMENT_LINK],
        }

    def publish(self, **kwargs) -> PublicPage:
        options = {"published": True, "show_members": True, "show_plan": True,
                   "show_documents": True, "show_metrics": True, **kwargs}
        return public_page_save(partnership=self.tenants.a, user=self.tenants.users["a_admin"],
                                **options)


@pytest.fixture
def planted(tenants) -> Planted:
    return Planted(tenants)


# People's accounts never show, whatever is published: only organisations and named roles.
ACCOUNTS = ["a_viewer", "a.viewer@example.org", "a_admin", "a.lead@example.org", "A Lead"]


def source(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_nothing_unpublished_reaches_the_page_and_each_thing_appears_once_marked(planted):
    anonymous = Client()
    planted.publish()
    page = source(anonymous)
    # What every published page with all sections shows.
    assert "Rotherham CDP Police" in page  # a member organisation
    assert "Chair of a" in page  # a named role
    assert "Milestones by national priority" in page
    assert "The numbers in treatment for adults and young people" in page
    assert "2,153" in page
    assert planted.deaths.name in page  # its figures are suppressed, not the metric
    for kind, words in planted.secrets().items():
        for word in words:
            assert word not in page, f"unpublished {kind} on the public page: {word}"
    for word in (*planted.SMALL_RATES, *ACCOUNTS):
        assert word not in page
    assert "Suppressed: built on a count of 1 to 4" in page
    assert "8.5" in page  # the deaths' figure built on 40 is shown

    # Marked public one by one, each appears; small counts and accounts never do.
    marks = {"milestone": {"milestones": [planted.milestone]},
             "risk": {"risks": [planted.risk]},
             "police_local": {"metrics": [planted.police_local]},
             "police_national": {"metrics": [planted.police_national]},
             "document": {"documents": [planted.document]}}
    for kind, mark in marks.items():
        planted.publish(**mark)
        page = source(anonymous)
        for word in planted.secrets()[kind]:
            if word.isdigit():
                continue  # the raw number is only ever in the chart's data: formatted here
            assert word in page, f"marked {kind} missing from the public page: {word}"
        others = [w for k, words in planted.secrets().items() if k != kind for w in words]
        assert not [w for w in others if w in page]
        for word in (*planted.SMALL_RATES, *ACCOUNTS):
            assert word not in page


def test_sections_switched_off_show_nothing_even_of_what_is_marked(planted, tenants):
    planted.publish(show_members=False, show_plan=False, show_documents=False,
                    show_metrics=False, documents=[planted.document],
                    metrics=[planted.police_local])
    page = source(Client())
    for word in ("Rotherham CDP Police", "Chair of a", "Milestones by national priority",
                 planted.DOCUMENT, planted.POLICE_LOCAL, "2,153", planted.deaths.name):
        assert word not in page
    assert "has not published anything here yet" in page


def test_an_unpublished_page_is_the_same_404_as_an_unknown_slug(planted, tenants):
    planted.publish(published=False, documents=[planted.document])
    unpublished, unknown = Client().get(URL), Client().get("/p/no-such-partnership/")
    assert unpublished.status_code == unknown.status_code == 404
    assert unpublished.content == unknown.content
    assert planted.DOCUMENT not in unpublished.content.decode()
    # Darlington never made one at all; nor does a national admin see an unpublished page.
    admin = Client()
    admin.force_login(tenants.users["superuser"])
    assert admin.get("/p/darlington/").status_code == 404
    assert admin.get(URL).status_code == 404


def test_the_page_holds_nothing_per_user(planted, tenants):
    planted.publish(documents=[planted.document])
    anonymous = Client().get(URL)
    assert "Cookie" not in anonymous.get("Vary", "")
    assert anonymous.cookies == {}
    assert anonymous["Cache-Control"] == "public, no-cache"
    body = anonymous.content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert "Sign out" not in body and "Signed in as" not in body
    # A signed-in member gets the same bytes; the answer is private to them, as their
    # session is renewed on it (cdp/sessions.py: a Set-Cookie, which Django
    # varies on), so that no shared cache ever keeps their cookie.
    member = Client()
    member.force_login(tenants.users["a_admin"])
    signed_in = member.get(URL)
    assert signed_in.content == anonymous.content
    assert signed_in["Cache-Control"] == "private, no-cache"


def test_a_browser_asking_again_gets_a_304_until_something_changes(planted, tenants):
    planted.publish()
    first = Client().get(URL)
    etag = first["ETag"]
    again = Client().get(URL, headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert again["Cache-Control"] == "public, no-cache"
    # A change to the framework changes what the page shows: a new page, a new tag.
    FrameworkMetric.objects.filter(partnership=tenants.a).first().delete()
    changed = Client().get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    # Unpublished: gone at once, for a browser holding the old tag too.
    planted.publish(published=False)
    assert Client().get(URL, headers={"If-None-Match": changed["ETag"]}).status_code == 404


def test_a_warm_hit_is_one_query_and_a_cache_read(planted, django_assert_num_queries):
    planted.publish()
    first = Client().get(URL).content
    with django_assert_num_queries(1):
        assert Client().get(URL).content == first


def test_the_cached_page_changes_when_anything_it_shows_changes(planted, tenants):
    anonymous = Client()
    admin, lead = tenants.users["a_admin"], tenants.users["a_lead"]
    planted.publish(milestones=[planted.milestone], risks=[planted.risk],
                    documents=[planted.document])
    assert planted.MILESTONE_NOTE in source(anonymous)

    # The settings.
    planted.publish(milestones=[], risks=[planted.risk], documents=[planted.document])
    assert planted.MILESTONE_NOTE not in source(anonymous)
    planted.publish(milestones=[planted.milestone], risks=[planted.risk],
                    documents=[planted.document])

    # A marked milestone's progress, and the plan's progress once recomputed.
    milestone = plans.milestone_update(
        milestone=planted.milestone, user=lead, version=planted.milestone.version,
        changes={"progress_note": "Ocelot: both hostels now open", "status": "complete"})
    page = source(anonymous)
    assert "Ocelot: both hostels now open" in page and planted.MILESTONE_NOTE not in page
    outcomes.summaries_recompute(partnership_ids=[tenants.a.pk])
    assert "1 of 2 milestones complete" in source(anonymous)
    assert milestone.status == "complete"

    # A marked risk.
    plans.risk_save(partnership=tenants.a, user=lead, risk=planted.risk,
                    mitigation="Tapir: joint visits agreed")
    assert "Tapir: joint visits agreed" in source(anonymous)

    # Members and named roles.
    Organisation.objects.create(partnership=tenants.a, name="Wombat Recovery Service",
                                sector=Organisation.Sector.TREATMENT)
    assert "Wombat Recovery Service" in source(anonymous)
    role = tenants.a.named_roles.get()
    role.holder = "Dr Ibex"
    role.save()
    assert "Dr Ibex" in source(anonymous)

    # Documents: a marked one renamed, then deleted.
    planted.document.title = "Capybara profile, revised"
    planted.document.save()
    assert "Capybara profile, revised" in source(anonymous)
    planted.document.delete()
    assert "Capybara profile" not in source(anonymous)

    # The figures: new data, once the summaries are recomputed.
    outcomes.import_file(
        partnership=tenants.a, user=tenants.users["a_analyst"], file_name="new.csv",
        format="tidy", data=b"metric,area_code,period,value\n"
                            b"numbers_in_treatment,E08000018,2023/24,2468\n")
    assert "2,468" not in source(anonymous)  # not recomputed yet: the dashboard neither
    outcomes.summaries_recompute(partnership_ids=[tenants.a.pk])
    assert "2,468" in source(anonymous)

    # Unpublished: gone at once.
    public_page_save(partnership=tenants.a, user=admin, published=False)
    assert anonymous.get(URL).status_code == 404


def test_with_the_cache_down_the_page_is_still_served(planted, settings, caplog):
    planted.publish()
    settings.CACHES = {"default": {  # nothing listens there
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0"}}
    response = Client().get(URL)
    assert response.status_code == 200
    assert b"2,153" in response.content
    assert "public page: the cache cannot be reached" in caplog.text


# --- The settings page -----------------------------------------------------------------------
def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_publishes_and_is_told_what_is_now_public(planted, tenants):
    admin = signed_in(tenants.users["a_admin"])
    settings_url = "/partnerships/rotherham/public-page/"
    form = admin.get(settings_url).content.decode()
    assert 'type="checkbox"' in form and "govuk-checkboxes" in form
    for word in (planted.MILESTONE_TITLE[:20], planted.RISK_TITLE, planted.DOCUMENT,
                 planted.POLICE_LOCAL, planted.police_national.name):
        assert word in form
    # Public by default, so not offered one by one.
    assert "The numbers in treatment for adults and young people" not in form
    assert "/partnerships/rotherham/public-page/preview/" in form

    response = admin.post(settings_url, {
        "published": "on", "sections": ["show_members", "show_documents"],
        "documents": [planted.document.pk], "risks": [planted.risk.pk],
    }, follow=True)
    assert response.redirect_chain[-1][0] == settings_url
    assert ("The public page is published at /p/rotherham/. It shows members and named "
            "roles, 1 document; marked public one by one: 1 risk.") in response.content.decode()
    page = PublicPage.objects.get(partnership=tenants.a)
    assert (page.published, page.show_members, page.show_plan, page.show_documents,
            page.show_metrics) == (True, True, False, True, False)
    assert list(page.risks.all()) == [planted.risk]
    public = source(Client())
    assert planted.DOCUMENT in public and planted.RISK_TITLE in public

    response = admin.post(settings_url, {}, follow=True)
    assert "The public page is not published: nobody can see it." in response.content.decode()
    assert Client().get(URL).status_code == 404


def test_another_partnerships_rows_cannot_be_marked_public(planted, tenants):
    other = KeyDocument.objects.get(partnership=tenants.b)
    response = signed_in(tenants.users["a_admin"]).post(
        "/partnerships/rotherham/public-page/",
        {"published": "on", "sections": ["show_documents"], "documents": [other.pk],
         "milestones": [tenants.milestones["b"].pk]})
    assert response.status_code == 200  # the form again, with its errors
    assert "Select a valid choice" in response.content.decode()
    assert not PublicPage.objects.get(partnership=tenants.a).published


def test_the_preview_shows_an_unpublished_page_to_its_admin_only(planted, tenants):
    planted.publish(published=False, documents=[planted.document])
    preview = "/partnerships/rotherham/public-page/preview/"
    response = signed_in(tenants.users["a_admin"]).get(preview)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The page is not published: this is what it would show." in body
    assert planted.DOCUMENT in body
    assert "no-store" in response["Cache-Control"]
    assert signed_in(tenants.users["a_lead"]).get(preview).status_code == 403
    assert Client().get(URL).status_code == 404


def test_the_dashboard_links_admins_to_the_settings(tenants):
    link = 'href="/partnerships/rotherham/public-page/"'
    assert link in signed_in(tenants.users["a_admin"]).get("/partnerships/rotherham/").content \
        .decode()
    assert link not in signed_in(tenants.users["a_lead"]).get("/partnerships/rotherham/") \
        .content.decode()

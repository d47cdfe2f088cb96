"""manage.py load_demo: the seed partnerships, a user in every role, idempotent, in the README."""

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.management import CommandError, call_command

from outcomes.models import (
    FrameworkMetric,
    ImportBatch,
    Metric,
    MetricSummary,
    Observation,
    ObservationChange,
    ReferenceFigure,
    Target,
)
from outcomes.provenance import FINGERTIPS_CREDIT
from partnerships import access
from partnerships.models import (
    KeyDocument,
    Membership,
    Organisation,
    Partnership,
    PartnershipGroupObjectPermission,
    RegionalMembership,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
FINGERTIPS_FILE = ROOT / "fixtures" / "alcohol_specific_mortality_91380.csv"
SEED_CODES = {
    "rotherham": {"E08000018"},
    "york": {"E06000014"},
    "darlington": {"E06000005"},
    "cambridgeshire-peterborough": {"E10000003", "E06000031"},
    "south-yorkshire": {"E08000016", "E08000017", "E08000018", "E08000019"},
}


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> list[str]:
    models = [Partnership, Membership, RegionalMembership, User, Group, KeyDocument,
              Organisation, PartnershipGroupObjectPermission]
    return [serializers.serialize("json", m.objects.order_by("pk")) for m in models]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker) -> str:
    """The demo, loaded once for this module (tests/conftest.loaded_demo): its output."""
    from tests.conftest import loaded_demo

    with loaded_demo(django_db_blocker) as outputs:
        yield outputs[0]


@pytest.fixture
def demo(loaded_once, db, debug) -> str:
    """A test's view of the demo loaded for the module: what load_demo printed."""
    return loaded_once


def test_demo_partnerships_have_their_real_geography(demo):
    for slug, codes in SEED_CODES.items():
        partnership = Partnership.objects.get(slug=slug)
        assert set(partnership.local_authorities.values_list("code", flat=True)) == codes
    assert Partnership.objects.get(slug="rotherham").parent.slug == "south-yorkshire"
    assert Partnership.objects.get(slug="darlington").region.code == "E12000001"


def test_every_partnership_has_a_user_in_every_role(demo):
    for partnership in Partnership.objects.all():
        roles = set(partnership.memberships.values_list("role", flat=True))
        assert roles == set(Membership.Role.values), partnership.slug
        for role in Membership.Role.values:
            user = partnership.memberships.get(role=role).user
            assert access.actions_for(user, partnership.slug) == access.with_derived(
                access.ROLE_ACTIONS[role])


def test_regional_viewer_reads_yorkshire_only(demo):
    regional = User.objects.get(username="yorkshire.regional")
    visible = set(Partnership.objects.for_user(regional).values_list("slug", flat=True))
    assert visible == {"south-yorkshire", "rotherham", "barnsley", "doncaster", "sheffield",
                       "york"}


def test_running_twice_changes_nothing(demo):
    first_output = demo
    before = snapshot()
    assert load_demo() == first_output
    assert snapshot() == before


def test_the_printed_users_are_the_readme_table(demo):
    output = demo
    printed = set()
    for line in output.splitlines()[3:]:
        username, rest = line.split(" ", 1)
        printed.add(username)
        assert "demo-password-not-for-production" in rest
    readme = README.read_text()
    in_readme = set(re.findall(r"^\| `([a-z\-]+\.[a-z\-]+)` \|", readme, re.MULTILINE))
    assert printed == in_readme
    assert "demo-password-not-for-production" in readme


def test_refuses_in_production_mode(settings):
    settings.DEBUG = False
    before = snapshot()  # the module's demo may be loaded already: nothing is added to it
    with pytest.raises(CommandError, match="refusing to load demo users"):
        call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == before


def test_the_seeds_figures_targets_and_frameworks(demo):
    deaths = dict(
        Observation.objects.filter(metric__code="drug_misuse_deaths", area_code="E06000031")
        .values_list("period_label", "value")
    )
    assert deaths == {"2014 - 16": 5.7, "2015 - 17": 5.0}
    counts = Observation.objects.filter(metric__code="drug_misuse_deaths", area_code="E10000003")
    assert sorted(counts.values_list("count", flat=True)) == [65, 67]
    # The seed's real regional figure stays, marked with its source; no illustrative one
    # takes its place.
    east = ReferenceFigure.objects.get(area_code="E12000006", metric__code="drug_misuse_deaths",
                                       period_label="2015 - 17")
    assert (east.value, east.source) == (3.6, "Council minutes (seed)")
    in_treatment = Observation.objects.filter(partnership__slug="rotherham",
                                              metric__code="numbers_in_treatment")
    assert sorted(in_treatment.values_list("value", flat=True)) == [2081, 2153]
    assert Observation.objects.get(partnership__slug="york", metric__code="digital_iba").value \
        == 6860
    rotherham_targets = Target.objects.filter(partnership__slug="rotherham")
    assert sorted(rotherham_targets.values_list("target_value", flat=True)) == [38, 75, 2521]
    assert FrameworkMetric.objects.filter(partnership__slug="rotherham").count() == 14
    for note in Observation.objects.values_list("value_note", flat=True):
        assert note, "every demo figure says where it comes from"


def fingertips_verdicts() -> dict[str, str]:
    """Fingertips' own 2016 - 18 all-persons verdict against England, by area code, from the
    real file."""
    with FINGERTIPS_FILE.open(newline="", encoding="utf-8-sig") as handle:
        return {row["Area Code"]: row["Compared to England value or percentiles"]
                for row in csv.DictReader(handle)
                if row["Time period"] == "2016 - 18" and row["Sex"] == "Persons"
                and not row["Category Type"]}


def test_the_real_fingertips_file_is_reference_data_with_its_provenance(demo):
    # Loaded through the import service as a national administrator would: a reference batch
    # that can be rolled back.
    batch = ImportBatch.objects.get(file_name="alcohol_specific_mortality_91380.csv")
    assert batch.is_reference and batch.status == ImportBatch.Status.COMPLETE
    assert batch.created_by.username == "national.admin"
    rows = ReferenceFigure.objects.filter(metric__fingertips_id=91380)
    assert rows.count() == batch.inserted == 6597
    assert ObservationChange.objects.filter(batch=batch, reference=True).count() == 6597
    assert set(rows.values_list("source", flat=True)) == {"OHID Fingertips"}
    assert Counter(rows.values_list("area_type", flat=True)) == {
        "County & UA (pre 4/19)": 5007, "England": 1293, "Region": 297}
    rotherham = rows.get(area_code="E08000018", period_label="2016 - 18", sex="Persons",
                         category="")
    assert (rotherham.value, rotherham.count, rotherham.parent_code) == (
        13.13805811, 101, "E12000003")
    assert not rows.filter(value_note__startswith="Illustrative").exists()
    # Its statistics are Fingertips' own: Rotherham's 2016 - 18 verdicts as the file has them.
    assert (rotherham.england_comparison, rotherham.region_comparison) == ("Similar", "Similar")
    metric = Metric.objects.get(code="alcohol_specific_mortality")
    assert (metric.value_type, metric.polarity, metric.confidence_level, metric.year_type,
            metric.period_years) == ("dsr", "lower_better", "95", "calendar", 3)
    assert "County & UA (pre 4/19)" in metric.area_types


def test_illustrative_series_cover_every_area_and_say_so(demo):
    illustrative = ReferenceFigure.objects.filter(source="Illustrative (demo)")
    assert set(illustrative.values_list("value_note", flat=True)) == {"Illustrative"}
    national = Metric.objects.filter(owner=None).exclude(fingertips_id=91380)
    for metric in national:
        areas = illustrative.filter(metric=metric).values("area_code").distinct().count()
        assert areas == 153 + 9 + 1, metric.code
    # Everything else is real and says where it comes from.
    others = ReferenceFigure.objects.exclude(source="Illustrative (demo)")
    assert not others.filter(value_note__startswith="Illustrative").exists()
    assert set(others.values_list("source", flat=True)) == {"Council minutes (seed)",
                                                            "OHID Fingertips"}


def demo_dashboards(client):
    """Each demo partnership's dashboard, as its viewer sees it."""
    for partnership in Partnership.objects.filter(slug__in=SEED_CODES.keys() | {
            "barnsley", "doncaster", "sheffield"}):
        client.force_login(User.objects.get(username=f"{partnership.slug}.viewer"))
        response = client.get(f"/partnerships/{partnership.slug}/")
        assert response.status_code == 200
        yield partnership, response.content.decode()


def test_every_demo_dashboard_is_compared_with_england_more_often_than_not(client, demo):
    for partnership, body in demo_dashboards(client):
        compared = len(re.findall(r"(?:than|to) England</strong>", body))
        not_compared = body.count("Not compared with England")
        assert compared > not_compared, (partnership.slug, compared, not_compared)
        assert "This is a demonstration: figures marked Illustrative are invented" in body
        summaries = MetricSummary.objects.filter(partnership=partnership)
        assert summaries.exclude(region_comparison="Not compared").exists(), partnership.slug
        assert summaries.exclude(trend_marker="Cannot be calculated").exists(), partnership.slug
        assert summaries.filter(quintile__gt=0).exists(), partnership.slug
        assert summaries.filter(range_q1__isnull=False).exists(), partnership.slug


def test_the_alcohol_tile_shows_fingertips_own_verdict_credit_and_age(client, demo):
    verdicts = fingertips_verdicts()
    metric = Metric.objects.get(code="alcohol_specific_mortality")
    for partnership, body in demo_dashboards(client):
        for code in partnership.local_authorities.values_list("code", flat=True):
            tile = MetricSummary.objects.get(partnership=partnership, metric=metric,
                                             area_code=code)
            assert tile.period_label == "2016 - 18"
            assert tile.england_comparison == verdicts[code], (partnership.slug, code)
        assert FINGERTIPS_CREDIT in body
        assert "These figures are old: the latest period is 2016 - 18." in body

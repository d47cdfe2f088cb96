"""manage.py load_demo: the seed partnerships, a user in every role, idempotent, in the README."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.management import CommandError, call_command

from outcomes.models import FrameworkMetric, Observation, ReferenceFigure, Target
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
README = Path(__file__).resolve().parents[2] / "README.md"
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


def test_demo_partnerships_have_their_real_geography(debug):
    load_demo()
    for slug, codes in SEED_CODES.items():
        partnership = Partnership.objects.get(slug=slug)
        assert set(partnership.local_authorities.values_list("code", flat=True)) == codes
    assert Partnership.objects.get(slug="rotherham").parent.slug == "south-yorkshire"
    assert Partnership.objects.get(slug="darlington").region.code == "E12000001"


def test_every_partnership_has_a_user_in_every_role(debug):
    load_demo()
    for partnership in Partnership.objects.all():
        roles = set(partnership.memberships.values_list("role", flat=True))
        assert roles == set(Membership.Role.values), partnership.slug
        for role in Membership.Role.values:
            user = partnership.memberships.get(role=role).user
            assert access.actions_for(user, partnership.slug) == access.with_derived(
                access.ROLE_ACTIONS[role])


def test_regional_viewer_reads_yorkshire_only(debug):
    load_demo()
    regional = User.objects.get(username="yorkshire.regional")
    visible = set(Partnership.objects.for_user(regional).values_list("slug", flat=True))
    assert visible == {"south-yorkshire", "rotherham", "barnsley", "doncaster", "sheffield",
                       "york"}


def test_running_twice_changes_nothing(debug):
    first_output = load_demo()
    before = snapshot()
    assert load_demo() == first_output
    assert snapshot() == before


def test_the_printed_users_are_the_readme_table(debug):
    output = load_demo()
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
    with pytest.raises(CommandError, match="refusing to load demo users"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Partnership.objects.exists()


def test_the_seeds_figures_targets_and_frameworks(debug):
    load_demo()
    deaths = dict(
        Observation.objects.filter(metric__code="drug_misuse_deaths", area_code="E06000031")
        .values_list("period_label", "value")
    )
    assert deaths == {"2014 - 16": 5.7, "2015 - 17": 5.0}
    counts = Observation.objects.filter(metric__code="drug_misuse_deaths", area_code="E10000003")
    assert sorted(counts.values_list("count", flat=True)) == [65, 67]
    assert ReferenceFigure.objects.get(area_code="E12000006").value == 3.6
    in_treatment = Observation.objects.filter(partnership__slug="rotherham",
                                              metric__code="numbers_in_treatment")
    assert sorted(in_treatment.values_list("value", flat=True)) == [2081, 2153]
    assert Observation.objects.get(partnership__slug="york", metric__code="digital_iba").value \
        == 6860
    rotherham_targets = Target.objects.filter(partnership__slug="rotherham")
    assert sorted(rotherham_targets.values_list("target_value", flat=True)) == [38, 75, 2521]
    assert FrameworkMetric.objects.filter(partnership__slug="rotherham").count() == 13
    for note in Observation.objects.values_list("value_note", flat=True):
        assert note, "every demo figure says where it comes from"

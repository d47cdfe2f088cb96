"""outcomes/selectors.py: the data coverage of a partnership's local framework."""

from datetime import date

import pytest

from outcomes import selectors
from outcomes.models import FrameworkMetric, Metric, Observation, ReferenceFigure
from outcomes.periods import parse_period

pytestmark = pytest.mark.django_db

TODAY = date(2024, 11, 30)  # NDTMS's 2023/24 (a lag of 8 months) is due today


def national(code: str) -> Metric:
    return Metric.objects.get(code=code, owner=None)


def observe(partnership, code: str, period: str, area="E08000018", **fields) -> Observation:
    p = parse_period(period)
    return Observation.objects.create(
        partnership=partnership, metric=national(code), area_code=area, period_label=p.label,
        period_start=p.start, period_end=p.end, period_year_type=p.year_type,
        period_sortable=p.sortable, value=fields.pop("value", 1.0), **fields)


def rows(tenants, user="a_viewer", today=TODAY) -> dict[str, object]:
    found = selectors.coverage_for_partnership(partnership=tenants.a,
                                               user=tenants.users[user], today=today)
    return {row["metric"].code: row["coverage"] for row in found["rows"]}


def test_the_migration_gave_national_metrics_their_publication_lag(tenants):
    assert national("numbers_in_treatment").publication_lag_months == 8
    assert national("drug_misuse_deaths").publication_lag_months == 12
    assert national("ocu_prevalence").publication_lag_months is None


def test_the_latest_period_held_against_the_one_expected(tenants):
    coverage = rows(tenants)["numbers_in_treatment"]  # 2022/23 held (tests/conftest.py)
    assert (coverage.held, coverage.expected, coverage.behind) == ("2022/23", "2023/24", 1)
    assert coverage.words == "1 period behind: 2023/24 expected"
    assert rows(tenants, today=date(2024, 11, 29))["numbers_in_treatment"].words == "Up to date"
    observe(tenants.a, "numbers_in_treatment", "2023/24")
    assert rows(tenants)["numbers_in_treatment"].words == "Up to date"


def test_only_the_partnerships_own_headline_figures_count(tenants):
    entry = FrameworkMetric.objects.create(partnership=tenants.a,
                                           metric=national("continuity_of_care"))
    observe(tenants.a, "continuity_of_care", "2023/24 Q3")
    # Later, but none of them the partnership's headline figure for its own areas:
    observe(tenants.a, "continuity_of_care", "2024/25 Q1", sex="Male")
    observe(tenants.a, "continuity_of_care", "2024/25 Q1", category_type="Deprivation",
            category="Most deprived")
    observe(tenants.a, "continuity_of_care", "2024/25 Q1", area="E08000019")  # not its area
    observe(tenants.b, "continuity_of_care", "2024/25 Q1", area="E06000005")
    p = parse_period("2024/25 Q1")
    ReferenceFigure.objects.create(metric=entry.metric, area_code="E92000001", period_label=p.label,
                             period_start=p.start, period_end=p.end,
                             period_year_type=p.year_type, period_sortable=p.sortable, value=40)
    coverage = rows(tenants)["continuity_of_care"]
    assert (coverage.held, coverage.expected, coverage.behind) == ("2023/24 Q3", "2024/25 Q1", 2)
    # "Persons" is the headline as much as a blank sex.
    observe(tenants.a, "continuity_of_care", "2023/24 Q4", sex="Persons")
    assert rows(tenants)["continuity_of_care"].held == "2023/24 Q4"


def test_nothing_held_and_no_schedule(tenants):
    FrameworkMetric.objects.create(partnership=tenants.a, metric=national("drug_misuse_deaths"))
    FrameworkMetric.objects.create(partnership=tenants.a, metric=national("ocu_prevalence"))
    local = Metric.objects.get(owner=tenants.a, code="digital_iba")
    FrameworkMetric.objects.create(partnership=tenants.a, metric=local)
    found = rows(tenants)
    assert found["drug_misuse_deaths"].words == "No data held: 2020 - 22 expected"
    assert found["ocu_prevalence"].words == "No publication schedule: published when reported"
    assert found["digital_iba"].words == "No publication schedule: publication lag not set"
    local.publication_lag_months = 2
    local.save()
    assert rows(tenants)["digital_iba"].words == "No data held: 2023/24 expected"


def test_what_is_behind_comes_first_with_a_sentence(tenants):
    for code in ("drug_misuse_deaths", "continuity_of_care", "substantial_progress"):
        FrameworkMetric.objects.create(partnership=tenants.a, metric=national(code))
    observe(tenants.a, "continuity_of_care", "2024/25 Q1")  # up to date
    observe(tenants.a, "substantial_progress", "2022/23 Q1")  # 8 quarters behind
    found = selectors.coverage_for_partnership(partnership=tenants.a,
                                               user=tenants.users["a_viewer"], today=TODAY)
    assert [(r["metric"].code, r["coverage"].status) for r in found["rows"]] == [
        ("substantial_progress", "behind"), ("numbers_in_treatment", "behind"),
        ("drug_misuse_deaths", "no_data"), ("continuity_of_care", "up_to_date")]
    assert found["sentence"] == (
        "Of 4 metrics in the framework, 2 are behind what should be published by now, 1 has no "
        "data held and 1 is up to date.")


def test_one_query_whatever_the_data(tenants, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows(tenants)
    for code in ("drug_misuse_deaths", "continuity_of_care", "substantial_progress",
                 "drug_offences"):
        FrameworkMetric.objects.create(partnership=tenants.a, metric=national(code))
        for year in range(2010, 2024):
            observe(tenants.a, code, f"{year}/{(year + 1) % 100:02d}")
    with django_assert_num_queries(1):
        assert len(rows(tenants)) == 5


def test_another_partnerships_members_see_nothing(tenants):
    assert rows(tenants, user="b_admin") == {}
    assert rows(tenants, user="outsider") == {}
    assert set(rows(tenants, user="regional")) == {"numbers_in_treatment"}

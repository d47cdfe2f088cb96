"""What the README promises analysts: one line of pandas, against a live server, with a token."""

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def test_pandas_reads_observations_as_csv_with_a_token(live_server, tenants):
    from datetime import date

    from cdp.tokens import token_create
    from outcomes.models import Metric, Observation

    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    Observation.objects.create(
        partnership=tenants.a, metric=metric, area_code="E08000018", area_name="Rotherham",
        period_label="2021/22", period_start=date(2021, 4, 1), period_end=date(2022, 3, 31),
        period_year_type="financial", period_sortable=20210000, value=2081,
        value_note="=cmd|' /C calc'!A0")
    key = token_create(user=tenants.users["a_analyst"], name="pandas")[1]

    figures = pd.read_csv(
        f"{live_server.url}/api/v1/observations/?metric=numbers_in_treatment&format=csv",
        storage_options={"Authorization": f"Token {key}"},
        parse_dates=["period_start", "period_end"], keep_default_na=False)

    assert list(figures.columns[:4]) == ["id", "partnership", "metric", "area_code"]
    assert figures.sort_values("period_end")[["partnership", "period_label", "value"]].to_dict(
        "records") == [
        {"partnership": "rotherham", "period_label": "2021/22", "value": 2081.0},
        {"partnership": "rotherham", "period_label": "2022/23", "value": 2153.0}]
    assert sorted(figures["period_end"].dt.year) == [2022, 2023]  # read as dates
    assert "'=cmd|' /C calc'!A0" in figures["value_note"].tolist()  # escaped, not a formula

    # Without the token: refused, and nothing of Rotherham's comes back.
    with pytest.raises(Exception, match="401"):
        pd.read_csv(f"{live_server.url}/api/v1/observations/?format=csv")

    # A misspelt metric code is a 400, not an empty frame that looks like "no data".
    with pytest.raises(Exception, match="400"):
        pd.read_csv(f"{live_server.url}/api/v1/observations/?metric=numbers_in_treatmnt"
                    "&format=csv", storage_options={"Authorization": f"Token {key}"})


def test_pandas_reads_the_reference_data_with_a_token(live_server, tenants):
    from cdp.tokens import token_create
    from tests.outcomes.reference_figures import make_reference

    make_reference(illustrative="E06000005")
    key = token_create(user=tenants.users["b_viewer"], name="pandas")[1]
    figures = pd.read_csv(
        f"{live_server.url}/api/v1/reference/?metric=drug_misuse_deaths&period=2022"
        f"&format=csv", storage_options={"Authorization": f"Token {key}"},
        parse_dates=["period_start", "period_end"], keep_default_na=False)
    assert len(figures) == 6
    figures = figures.set_index("area_code")
    assert figures.loc["E08000018", "england_comparison"] == "Worse"
    assert figures.loc["E08000018", "value"] == 15.2
    assert figures.loc["E06000005", "illustrative"]  # a boolean column, read as one
    assert not figures.loc["E08000018", "illustrative"]
    assert figures["period_end"].dt.year.tolist() == [2022] * 6
    with pytest.raises(Exception, match="401"):
        pd.read_csv(f"{live_server.url}/api/v1/reference/?format=csv")

"""Metric metadata read from Fingertips' metadata file, or inferred from a data file.

The metadata file's layout is the Fingertips server's own writer: ukhsa-collaboration/
fingertips-open, PholioVisualisationWS/Export/MultipleIndicatorMetadataFileWriter.cs ("Indicator
ID", the descriptive text properties by display name, then "Unit", "Value type", "Year type"),
with the "Polarity" that IndicatorMetadataFileBuilder adds from the indicator's groupings."""

import csv
import io
from pathlib import Path

import pytest

from outcomes.importers import FileProblem, SourceRow, fingertips
from outcomes.importers.metadata import Evidence, read_metadata

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "alcohol_specific_mortality_91380.csv"


def metadata_csv(*rows: dict) -> bytes:
    columns = ["Indicator ID", "Indicator", "Definition", "Rationale", "Data source",
               "Frequency", "Unit", "Value type", "Year type", "Polarity"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


ALCOHOL = {"Indicator ID": "91380", "Indicator": "Alcohol-specific mortality",
           "Definition": "Deaths from alcohol-specific conditions, all ages, directly "
                         "age-standardised rate per 100,000 population",
           "Frequency": "Annual", "Unit": "per 100,000", "Value type":
           "Directly standardised rate", "Year type": "Calendar", "Polarity": "RAG - Low is good"}


def evidence(rows) -> dict[str, Evidence]:
    found = {}
    for row in rows:
        if isinstance(row, SourceRow):
            found.setdefault(row.indicator, Evidence(row.indicator, row.indicator_name)).add(row)
    return found


def test_the_fingertips_metadata_file_is_read_by_column_name():
    read = dict(read_metadata(metadata_csv(
        ALCOHOL,
        {"Indicator ID": "90244", "Indicator": "Campylobacter", "Unit": "per 100,000",
         "Value type": "Crude rate", "Year type": "Calendar", "Polarity": "RAG - Low is good"},
        {"Indicator ID": "93014", "Indicator": "Deprivation score", "Unit": "",
         "Value type": "Score", "Year type": "Financial", "Polarity": "BOB - Blue orange blue"},
        {"Indicator ID": "not an id", "Indicator": "ignored"},
    )))
    assert set(read) == {"91380", "90244", "93014"}
    assert read["91380"].fields == {"unit": "rate_per_100000", "value_type": "dsr",
                                    "year_type": "calendar", "polarity": "lower_better"}
    assert read["91380"].name == "Alcohol-specific mortality"
    assert read["90244"].fields["value_type"] == "crude_rate"
    assert read["93014"].fields == {"value_type": "other", "year_type": "financial",
                                    "polarity": "no_judgement"}
    with pytest.raises(FileProblem, match="not a Fingertips metadata file"):
        list(read_metadata(b"Indicator,Unit\nx,%\n"))


def test_the_real_91380_file_infers_a_lower_is_better_three_year_rate():
    """Campylobacter-style check: Darlington's Worse above England must read lower is better;
    "2016 - 18" is a 3-year rolling calendar period; a standardised rate is not a count."""
    found = evidence(fingertips.read(FIXTURE.read_bytes()))["91380"].infer()
    assert found.fields["polarity"] == "lower_better"
    assert (found.fields["period_years"], found.fields["frequency"],
            found.fields["year_type"]) == (3, "rolling_3y", "calendar")
    assert found.fields["value_type"] == "other"  # its name does not say "standardised"
    assert found.fields["unit"] == "rate_per_100000"
    notes = " ".join(found.notes)
    assert ("value is not count ÷ denominator × any multiplier: likely a directly "
            "standardised rate") in notes
    assert "Better/Worse labels against England's value agree" in notes


def row(area: str, value: float, label: str = "", count="", denominator="",
        period="2022/23") -> str:
    return (f"1,Some rate,{area},A,UA,Persons,All ages,,,{period},{value},,,{count},"
            f"{denominator},,{label}")


HEADER = ("Indicator ID,Indicator Name,Area Code,Area Name,Area Type,Sex,Age,Category Type,"
          "Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Count,"
          "Denominator,Value note,Compared to England value or percentiles\n")


def infer(*rows: str):
    data = (HEADER + "\n".join(rows) + "\n").encode()
    return evidence(fingertips.read(data))["1"].infer()


def test_higher_is_better_crude_rates_and_financial_years():
    found = infer(row("E92000001", 50.0, count=5, denominator=10),
                  row("E06000005", 60.0, "Better", 6, 10),
                  row("E06000001", 40.0, "Worse", 4, 10))
    assert found.fields == {"polarity": "higher_better", "period_years": 1,
                            "frequency": "annual", "year_type": "financial",
                            "value_type": "proportion", "unit": "percentage"}


def test_higher_lower_labels_mean_no_judgement_and_per_1000_is_a_crude_rate():
    found = infer(row("E92000001", 5.0, count=5, denominator=1000),
                  row("E06000005", 6.0, "Higher", 6, 1000, period="2016 - 18"),
                  row("E06000001", 4.0, "Lower", 4, 1000, period="2016 - 18"))
    assert found.fields["polarity"] == "no_judgement"
    assert (found.fields["value_type"], found.fields["unit"]) == ("crude_rate",
                                                                  "rate_per_1000")


def test_with_nothing_to_go_on_it_says_so():
    found = infer(row("E06000005", 6.0))
    assert found.fields["polarity"] == "no_judgement"
    assert any("check it" in note for note in found.notes)
    assert found.fields["value_type"] == "other"

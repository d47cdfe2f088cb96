"""What the pages say about where a figure comes from (outcomes.provenance). Pure."""

from datetime import date

from outcomes.provenance import FINGERTIPS_CREDIT, is_illustrative, provenance

TODAY = date(2026, 12, 7)


def test_an_illustrative_figure_says_so_and_nothing_else():
    said = provenance(value_note="Illustrative", period_label="2024/25",
                      period_end=date(2025, 3, 31), metric_source="NDTMS (OHID), Fingertips",
                      today=TODAY)
    assert said == {"illustrative": True, "credit": "", "old": ""}


def test_a_real_fingertips_figure_is_credited_and_called_old():
    said = provenance(value_note="", period_label="2016 - 18", period_end=date(2018, 12, 31),
                      metric_source="OHID Fingertips (Local Alcohol Profiles for England)",
                      today=TODAY)
    assert said["credit"] == FINGERTIPS_CREDIT == (
        "Contains public sector information from OHID Fingertips, licensed under the Open "
        "Government Licence v3.0.")
    assert said["old"] == "These figures are old: the latest period is 2016 - 18."
    assert not said["illustrative"]


def test_a_recent_figure_from_elsewhere_has_neither():
    said = provenance(value_note="Council minutes", period_label="2025/26",
                      period_end=date(2026, 3, 31), metric_source="NDTMS (OHID)", today=TODAY)
    assert said == {"illustrative": False, "credit": "", "old": ""}


def test_illustrative_is_read_from_the_start_of_the_note():
    assert is_illustrative("Illustrative")
    assert is_illustrative("Illustrative: value suppressed")
    assert not is_illustrative("") and not is_illustrative(None)
    assert not is_illustrative("Not illustrative")

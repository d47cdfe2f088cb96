"""outcomes/charts/sentences.py: a metric's figure, trend and target in words."""

from datetime import date

from outcomes import charts


def test_the_sentence_a_board_member_reads():
    summary = {"value": 30, "period_label": "2015 - 17", "previous_value": 34,
               "previous_period_label": "2014 - 16", "england_comparison": "Worse"}
    assert charts.metric_sentence(name="Deaths related to drug misuse", unit="count",
                                  summary=summary) == (
        "Deaths related to drug misuse: 30 in 2015 - 17, down from 34; worse than England.")


def test_sentences_for_rates_percentages_and_missing_values():
    assert charts.metric_sentence(name="Continuity of care", unit="percentage", summary={
        "value": 41.5, "period_label": "2022/23", "previous_value": 41.5,
        "previous_period_label": "2021/22", "england_comparison": "Similar"}) == (
        "Continuity of care: 41.5% in 2022/23, the same as in 2021/22; similar to England.")
    assert charts.metric_sentence(name="Deaths", unit="rate_per_100000", summary={
        "value": 5.0, "period_label": "2015 - 17", "england_comparison": "Not compared"}) == (
        "Deaths: 5.0 per 100,000 in 2015 - 17.")
    assert charts.metric_sentence(name="Deaths", unit="count", summary={
        "value": None, "period_label": "2022", "value_note": "Value suppressed for "
        "disclosure control due to small count"}) == (
        "Deaths: no figure for 2022 (value suppressed for disclosure control due to small "
        "count).")


# --- Targets -----------------------------------------------------------------------------
YORK_IBA = {"target_description": "15,000 digital IBA interventions by July 2024",
            "target_value": 15000.0, "target_due_period": "Jul 2024", "value": 6860.0,
            "period_label": "2022/23", "period_end": date(2023, 3, 31)}


def test_a_target_past_due_with_no_figure_for_its_period_is_not_on_track():
    """York's tile said "Target on track" for 15,000 by July 2024 in November 2026, from a
    2022/23 figure: a summary computed before the due date, or a trajectory judged on an old
    figure. Once due with no figure since, it is not known."""
    today = date(2026, 11, 24)
    for stored in ("on track", "off track", "no data"):
        summary = {**YORK_IBA, "target_status": stored}
        assert charts.target_status_now(summary, today) == "no data"
        assert charts.target_label(summary, today) == "Target status not known"
        assert charts.target_sentence(summary, "count", today) == (
            "Target: 15,000 digital IBA interventions by July 2024 (15,000 by Jul 2024). "
            "Target due Jul 2024: no figures since 2022/23, so whether it was met is not "
            "known.")


def test_a_target_before_its_due_date_keeps_its_status():
    summary = {**YORK_IBA, "target_status": "on track"}
    today = date(2024, 1, 15)
    assert charts.target_label(summary, today) == "Target on track"
    assert charts.target_sentence(summary, "count", today).endswith(": on track.")
    # Achieved stands after the due date; a figure for the due period decides it.
    achieved = {**summary, "target_status": "achieved"}
    assert charts.target_label(achieved, date(2026, 11, 24)) == "Target achieved"
    missed = {**summary, "target_status": "off track", "period_label": "2024/25",
              "period_end": date(2025, 3, 31)}
    assert charts.target_label(missed, date(2026, 11, 24)) == "Target off track"


def test_a_target_with_no_baseline_not_yet_due_is_not_known_yet():
    summary = {**YORK_IBA, "target_status": "no data"}
    assert charts.target_sentence(summary, "count", date(2024, 1, 1)) == (
        "Target: 15,000 digital IBA interventions by July 2024 (15,000 by Jul 2024): not "
        "known yet. The latest figure is for 2022/23, with no baseline to measure progress "
        "from.")

"""cdp/public/rules.py: which metrics are public framework data, and disclosure control."""

from cdp.public import rules

SUPPRESSED = rules.SUPPRESSED_NOTE


def test_headline_national_metrics_not_from_the_police_are_public_by_default():
    assert rules.public_by_default(owner_id=None, tier="headline", source="NDTMS (OHID)")
    assert not rules.public_by_default(owner_id=None, tier="supporting", source="NDTMS (OHID)")
    assert not rules.public_by_default(owner_id=7, tier="headline", source="Local")
    for source in ("Police", "Police recorded crime (Home Office)",
                   "South Yorkshire Police", "Cambridgeshire police analysts"):
        assert rules.is_police_metric(source=source)
        assert not rules.public_by_default(owner_id=None, tier="headline", source=source)
    assert not rules.is_police_metric(source="")


def point(label, value, count=None, **extra):
    return {"period_label": label, "value": value, "count": count, "lower_ci": None,
            "upper_ci": None, "england": 9.9, "region": 8.8, "value_note": "", **extra}


def test_points_built_on_one_to_four_are_suppressed_with_their_intervals():
    points = [point("2019", 47.6, 3, lower_ci=40.0, upper_ci=55.0), point("2020", 8.5, 40),
              point("2021", 0.0, 0), point("2022", None, None)]
    shown = rules.disclosed_points(points, unit="rate_per_100000", controlled=True)
    assert shown[0] == {**point("2019", None, None), "value_note": SUPPRESSED}
    assert shown[1:] == points[1:]  # 40 and 0 are shown; no figure stays no figure
    # A count metric's figure is its own count when no count came with it.
    counts = rules.disclosed_points([point("2019", 4), point("2020", 5)], unit="count",
                                    controlled=True)
    assert [p["value"] for p in counts] == [None, 5]
    # Not under disclosure control: as they are.
    assert rules.disclosed_points(points, unit="rate_per_100000", controlled=False) == points


def test_a_suppressed_latest_figure_takes_what_is_read_from_it_along():
    points = [point("2018", 52.8, 2), point("2019", 47.6, 3)]
    values = {"value": 47.6, "count": 3, "previous_value": 52.8, "previous_period_label": "2018",
              "england_comparison": "Worse", "target_status": "achieved", "change": -5.2,
              "trend_label": "Decreasing"}
    changes = rules.disclosed_summary(values, points, unit="rate_per_100000", controlled=True)
    assert changes["value"] is None and changes["previous_value"] is None
    assert changes["value_note"] == SUPPRESSED
    assert changes["england_comparison"] == "Not compared"
    assert changes["target_status"] == "" and changes["change"] is None
    assert changes["trend_label"] == "Cannot be calculated"
    assert rules.disclosed_summary(values, points, unit="rate_per_100000",
                                   controlled=False) == {}


def test_only_the_previous_figure_suppressed():
    points = [point("2018", 52.8, 2), point("2019", 47.6, 30)]
    values = {"value": 47.6, "count": 30, "previous_value": 52.8, "previous_period_label": "2018"}
    changes = rules.disclosed_summary(values, points, unit="percentage", controlled=True)
    assert "value" not in changes
    assert changes["previous_value"] is None and changes["change"] is None


def test_nothing_suppressed_changes_nothing():
    points = [point("2018", 52.8, 20), point("2019", 47.6, 30)]
    values = {"value": 47.6, "count": 30, "previous_value": 52.8, "previous_period_label": "2018"}
    assert rules.disclosed_summary(values, points, unit="percentage", controlled=True) == {}

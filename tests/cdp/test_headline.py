"""cdp/headline.py: the dashboard's sentence, counted from its tiles. Pure: no database."""

from types import SimpleNamespace

from cdp.headline import SEVERAL_AREAS_RULE, areas_kind, comparison_kind, headline, mark_tiles


def area(comparison: str, target_id=None, target_status: str = "") -> dict:
    """A single-area tile as cdp.dashboards.tile makes it (the fields the sentence reads)."""
    return {"summary": SimpleNamespace(england_comparison=comparison, target_id=target_id),
            "target_status": target_status}


def several(*areas: dict) -> dict:
    """A tile of several areas side by side, as cdp.areas.area_groups makes it."""
    return {"metric": object(), "areas": list(areas), "panel": {}}


def progress(*overdue: int) -> dict:
    return {"priority": [{"overdue": n} for n in overdue], "strand": [{"overdue": 99}]}


def test_the_sentence_counts_comparisons_targets_and_overdue_milestones():
    tiles = [area("Better"), area("Better 99.8%"), area("Better 95%"), area("Similar"),
             area("Similar"), area("Similar"), area("Similar"), area("Worse"),
             area("Not compared")]
    tiles[0]["summary"].target_id, tiles[0]["target_status"] = 1, "off track"
    tiles[3]["summary"].target_id, tiles[3]["target_status"] = 2, "off track"
    for n, tile in enumerate(tiles[4:7], start=3):
        tile["summary"].target_id, tile["target_status"] = n, "on track"
    found = headline([("Reduce drug use", tiles[:4]), (None, tiles[4:])], progress(4, 3))
    assert found["sentence"] == (
        "Of 9 metrics on this dashboard, 3 are better than England, 4 similar, 1 worse and 1 "
        "not compared; 2 of 5 targets are off track; 7 milestones are overdue.")
    assert found["kinds"]["better"] == 3 and found["overdue"] == 7
    assert found["rule"] == ""  # one area: nothing to explain


def test_several_areas_count_as_better_only_when_every_compared_area_is():
    tiles = [several(area("Better"), area("Better 99.8%"), area("Not compared")),
             several(area("Better"), area("Worse")),
             several(area("Similar"), area("Better")),
             several(area("Worse"), area("Worse")),
             several(area("Not compared"), area("Not compared")),
             several(area("Higher"), area("Lowest"))]
    found = headline([(None, tiles)], progress(0), several_areas=True)
    assert found["kinds"] == {"better": 1, "similar": 0, "worse": 1, "mixed": 2,
                              "different": 1, "not-compared": 1}
    assert found["sentence"] == (
        "Of 6 metrics on this dashboard, 1 is better than England, 0 similar, 1 worse, "
        "2 mixed across areas, 1 higher or lower with neither better and 1 not compared; "
        "no targets are set; 0 milestones are overdue.")
    assert found["rule"] == SEVERAL_AREAS_RULE
    assert "only when every one of its areas" in found["rule"]


def test_a_target_of_several_areas_counts_once_and_off_track_if_any_area_is():
    tiles = [several(area("Similar", 7, "on track"), area("Similar", 7, "off track"),
                     area("Similar", 7, "on track")),
             several(area("Similar", 8, "achieved"), area("Similar", 8, "no data"))]
    found = headline([(None, tiles)], progress(), several_areas=True)
    assert (found["targets"], found["targets_off_track"]) == (2, 1)
    assert "1 of 2 targets is off track" in found["sentence"]


def test_no_targets_and_everything_not_compared():
    tiles = [area("Not compared"), area(""), area(None)]
    found = headline([(None, tiles)], progress(1))
    assert found["sentence"] == (
        "Of 3 metrics on this dashboard, 0 are better than England, 0 similar, 0 worse and 3 "
        "not compared; no targets are set; 1 milestone is overdue.")


def test_a_dashboard_without_figures_still_says_what_it_can():
    assert headline([], {"priority": [], "strand": []})["sentence"] == (
        "No metrics have figures yet; no targets are set; 0 milestones are overdue.")
    # A plan organised by strand only: its rows are the ones counted.
    assert headline([], {"priority": [], "strand": [{"overdue": 2}]}
                    )["overdue"] == 2


def test_one_target_reads_as_one():
    tile = area("Similar", 1, "on track")
    assert "0 of 1 target is off track" in headline([(None, [tile])], progress())["sentence"]
    tile["target_status"] = "off track"
    assert "1 of 1 target is off track" in headline([(None, [tile])], progress())["sentence"]


def test_each_tile_is_marked_with_what_it_counts_as():
    groups = [(None, [area("Worse 99.8%"), several(area("Better"), area("Better")),
                      several(area("Better"), area("Similar"))])]
    mark_tiles(groups)
    assert [t["headline"] for t in groups[0][1]] == [
        {"kind": "worse", "tag": "govuk-tag--red", "words": "Worse than England"},
        {"kind": "better", "tag": "govuk-tag--green",
         "words": "Better than England in every area compared"},
        {"kind": "mixed", "tag": "govuk-tag--orange", "words": "Mixed across areas"}]


def test_comparisons_by_their_first_word():
    assert [comparison_kind(c) for c in ("Better 95%", "Similar", "Worse", "Higher", "Lowest",
                                         "Not compared", None)] == [
        "better", "similar", "worse", "different", "different", "not-compared",
        "not-compared"]
    assert areas_kind([]) == "not-compared"

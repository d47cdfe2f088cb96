"""outcomes/aggregates/ranking.py: quintiles and ranks among every partnership's areas,
and disclosure control's small counts."""

from datetime import date

from .frames import EXAMPLE, SUPPRESSED, metric, only, ranking_rows, summarise, year


# --- Quintiles and ranks -------------------------------------------------------------------------
def positions(rows: list[dict]) -> list[tuple]:
    return [(r["quintile"], r["rank"], r["rank_of"]) for r in rows]


def test_quintiles_and_ranks_when_low_is_good():
    rows = summarise(ranking_rows(EXAMPLE), metrics=[metric(polarity="lower_better")])
    assert [r["quintile"] for r in rows] == [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
    assert [r["rank"] for r in rows] == [1, 2, 2, 4, 5, 6, 7, 7, 9, 10]
    assert {r["rank_of"] for r in rows} == {10}
    assert all(type(r["rank"]) is int and type(r["quintile"]) is int for r in rows)


def test_quintiles_and_ranks_when_high_is_good_or_without_judgement():
    rows = summarise(ranking_rows(EXAMPLE), metrics=[metric(polarity="higher_better")])
    assert [r["quintile"] for r in rows] == [5, 5, 5, 4, 3, 3, 2, 2, 1, 1]
    assert [r["rank"] for r in rows] == [10, 8, 8, 7, 6, 5, 3, 3, 2, 1]
    rows = summarise(ranking_rows(EXAMPLE), metrics=[metric(polarity="no_judgement")])
    assert [r["quintile"] for r in rows] == [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
    assert [r["rank"] for r in rows] == [1, 2, 2, 4, 5, 6, 7, 7, 9, 10]


def test_ranking_is_within_one_metric_and_one_period():
    rows = ranking_rows(EXAMPLE)
    rows.append(year(2021, 1.0, partnership_id=11))  # latest a year earlier: alone
    rows.append(year(2022, 2.0, partnership_id=12, value_note="no"))
    rows.append(year(2023, partnership_id=12, value_note=SUPPRESSED))  # latest is 2022: ranked
    rows += [year(2022, float(v), partnership_id=n, metric_id=2)
             for n, v in enumerate([5, 4, 3], start=1)]
    summary = summarise(rows, metrics=[metric(1, polarity="lower_better"),
                                       metric(2, polarity="lower_better")])
    by_key = {(r["partnership_id"], r["metric_id"]): r for r in summary}
    assert positions([by_key[(11, 1)]]) == [(0, 1, 1)]  # too few for quintiles
    assert positions([by_key[(12, 1)]]) == [(1, 1, 11)]
    assert positions([by_key[(4, 1)]]) == [(2, 5, 11)]
    assert positions([by_key[(n, 2)] for n in (1, 2, 3)]) == [(0, 3, 3), (0, 2, 3), (0, 1, 3)]


def test_peers_stand_in_for_the_other_partnerships():
    others = ranking_rows(EXAMPLE)
    mine = others.pop(3)  # partnership 4, value 18
    peers = [{"partnership_id": r["partnership_id"], "metric_id": 1,
              "area_code": r["area_code"], "period_end": date(2023, 3, 31),
              "value": r["value"]} for r in others]
    peers += [
        # The partnership's own stored summary: its observations win.
        {"partnership_id": 4, "metric_id": 1, "area_code": mine["area_code"],
         "period_end": date(2023, 3, 31), "value": 1.0},
        # Another period, another metric and a missing value are not compared.
        {"partnership_id": 20, "metric_id": 1, "area_code": "E08000099",
         "period_end": date(2022, 3, 31), "value": 1.0},
        {"partnership_id": 21, "metric_id": 2, "area_code": "E08000098",
         "period_end": date(2023, 3, 31), "value": 1.0},
        {"partnership_id": 22, "metric_id": 1, "area_code": "E08000097",
         "period_end": date(2023, 3, 31), "value": None},
    ]
    row = only(summarise([mine], metrics=[metric(polarity="lower_better")], peers=peers))
    assert positions([row]) == [(2, 4, 10)]
    # Without peers it is ranked alone.
    row = only(summarise([mine], metrics=[metric(polarity="lower_better")]))
    assert positions([row]) == [(0, 1, 1)]


def test_values_on_counts_of_one_to_four_are_not_ranked_under_disclosure_control():
    rows = ranking_rows(EXAMPLE)
    for row in rows:
        row["count"] = 100.0
    rows[0]["count"] = 3.0  # partnership 1's 12 is built on 3 people
    peers = [{"partnership_id": 30, "metric_id": 1, "area_code": "E08000030",
              "period_end": date(2023, 3, 31), "value": 1.0, "count": 2.0}]
    controlled = summarise(rows, metrics=[metric(polarity="lower_better",
                                                 disclosure_control=True)], peers=peers)
    assert positions(controlled)[:2] == [(0, None, None), (1, 1, 9)]
    # Without disclosure control both small counts are ranked.
    plain = summarise(rows, metrics=[metric(polarity="lower_better")], peers=peers)
    assert positions(plain)[:2] == [(1, 2, 11), (1, 3, 11)]

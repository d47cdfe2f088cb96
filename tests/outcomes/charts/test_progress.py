"""outcomes/charts/progress.py: the action plan's milestones by status, as bars and in a
sentence."""


from outcomes import charts


def test_the_progress_figure_stacks_statuses():
    rows = [{"label": "Pursue", "complete": 2, "on_track": 1, "at_risk": 0, "off_track": 1,
             "not_started": 0, "closed": 0}]
    figure = charts.plan_progress_figure(rows, title="By strand")
    assert figure["layout"]["barmode"] == "overlay"
    # Complete, closed, overdue, on track, at risk, off track, not started: end to end.
    assert [t["x"][0] for t in figure["data"]] == [2, 0, 0, 1, 0, 1, 0]
    assert [t["base"][0] for t in figure["data"]] == [0, 2, 2, 2, 3, 3, 4]
    assert not next(t for t in figure["data"] if t["name"] == "Overdue")["showlegend"]


def test_the_progress_figure_shows_overdue_as_a_status_of_its_own():
    """The reviewer's Rotherham row: 3 complete and 2 recorded on track but past due make 5:
    3 complete and 2 overdue (derived status), not 2 green "On track". The segments end at
    the total; overdue is hatched as well as coloured, right after the finished ones."""
    rows = [{"label": "Break drug supply chains", "total": 5, "complete": 3, "on_track": 0,
             "at_risk": 0, "off_track": 0, "not_started": 0, "closed": 0, "overdue": 2}]
    figure = charts.plan_progress_figure(rows, title="By priority")
    statuses = figure["data"]
    assert [t["name"] for t in statuses] == ["Complete", "Closed", "Overdue", "On track",
                                             "At risk", "Off track", "Not started"]
    assert statuses[-1]["base"][0] + statuses[-1]["x"][0] == 5  # the bar ends at all 5
    overdue = statuses[2]
    assert (overdue["base"], overdue["x"]) == ([3], [2])  # from the finished ones' end
    assert overdue["marker"]["pattern"]["shape"] == "/"
    assert overdue["marker"]["pattern"]["bgcolor"] == overdue["marker"]["color"]  # drawn
    assert len({t["offset"] for t in statuses}) == 1  # one bar, not a second one beside it


def test_the_progress_sentence():
    rows = [{"label": "Break drug supply chains", "total": 5, "complete": 4, "at_risk": 1,
             "off_track": 0, "overdue": 1, "percent_complete": 80.0},
            {"label": "Deliver a world-class treatment and recovery system", "total": 41,
             "complete": 16, "at_risk": 2, "off_track": 0, "overdue": 25,
             "percent_complete": 39.0}]
    assert charts.progress_sentence(rows, by="national priority") == (
        "By national priority: 20 of 46 milestones complete (43%), 26 overdue (past due and "
        "not complete or closed, whatever status is recorded) and 3 at risk or off track; most "
        "complete: Break drug supply chains (80%).")
    assert charts.progress_sentence([], by="4P strand") == "By 4P strand: no milestones yet."


def test_objectives_with_no_strand_are_never_the_most_complete():
    """York: 41 of its 46 milestones have no strand, 49% complete; the named strands none."""
    rows = [{"key": "prepare", "label": "Prepare", "total": 2, "complete": 0, "at_risk": 1,
             "off_track": 0, "overdue": 2, "percent_complete": 0.0},
            {"key": "pursue", "label": "Pursue", "total": 3, "complete": 1, "at_risk": 0,
             "off_track": 0, "overdue": 2, "percent_complete": 33.3},
            {"key": "", "label": "No strand given", "total": 41, "complete": 20, "at_risk": 2,
             "off_track": 0, "overdue": 21, "percent_complete": 48.8}]
    sentence = charts.progress_sentence(rows, by="4P strand")
    assert sentence.endswith("; most complete: Pursue (33%).")
    assert "None given" not in sentence and "No strand given" not in sentence
    # No named strand complete at all, or all alike: nothing is "most complete".
    for row in rows[:2]:
        row.update(complete=0, percent_complete=0.0)
    assert "most complete" not in charts.progress_sentence(rows, by="4P strand")


# --- The figure says how to draw it: charts.js only fits it to its width ------------------
def test_the_progress_figure_names_only_the_statuses_a_bar_shows():
    rows = [{"label": "Pursue", "complete": 2, "on_track": 1, "at_risk": 0, "off_track": 1,
             "not_started": 0, "closed": 0},
            {"label": "Prevent", "complete": 0, "on_track": 3, "at_risk": 0, "off_track": 0,
             "not_started": 0, "closed": 0}]
    figure = charts.plan_progress_figure(rows, title="By strand")
    shown = {trace["name"]: trace["showlegend"] for trace in figure["data"]}
    assert shown == {"Complete": True, "On track": True, "At risk": False, "Off track": True,
                     "Not started": False, "Closed": False, "Overdue": False}
    layout = figure["layout"]
    # Top to bottom in the order of the rows (and of the table beside the chart).
    assert figure["data"][0]["y"] == ["Pursue", "Prevent"]
    assert layout["yaxis"]["autorange"] == "reversed"
    # The legend in the order of the bars' segments, below the chart from the left edge.
    assert layout["legend"]["traceorder"] == "normal"
    assert layout["legend"]["orientation"] == "h"
    assert (layout["legend"]["xref"], layout["legend"]["x"], layout["legend"]["xanchor"]) == (
        "container", 0, "left")
    assert (layout["legend"]["yref"], layout["legend"]["y"], layout["legend"]["yanchor"]) == (
        "container", 0, "bottom")
    # A few milestones: whole-number ticks, from zero.
    assert layout["xaxis"]["dtick"] == 1 and layout["xaxis"]["rangemode"] == "tozero"


def test_the_progress_figure_with_many_milestones_leaves_the_ticks_to_plotly():
    rows = [{"label": "Treatment", "complete": 16, "on_track": 20, "at_risk": 2,
             "off_track": 0, "not_started": 3, "closed": 0}]
    figure = charts.plan_progress_figure(rows, title="By priority")
    assert "dtick" not in figure["layout"]["xaxis"]
    # Complete, closed, overdue, on track, at risk, off track, not started.
    assert [t["showlegend"] for t in figure["data"]] == [True, False, False, True, True, False,
                                                         True]

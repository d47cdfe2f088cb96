"""The board dashboard and the metric pages: what they say, and that they read summaries."""

import csv
import html
import io
import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from outcomes.models import Metric

pytestmark = pytest.mark.django_db


def in_treatment() -> Metric:
    return Metric.objects.get(code="numbers_in_treatment", owner=None)


class Tables(HTMLParser):
    """Every table of a page as {caption: [[cell text, ...] per row]} (headers included)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._cell = self._rows = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._caption = ""
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._name, self._caption = " ".join(self._caption.split()), None
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._name] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def json_script(body: str, element_id: str) -> dict:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>',
                      body, re.S)
    assert found, f"no figure {element_id}"
    return json.loads(found.group(1))


def test_the_dashboard_shows_tiles_progress_and_what_needs_attention(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    body = client.get("/partnerships/rotherham/").content.decode()
    assert "Figures computed" in body
    # Each tile: the metric's short name, its figure and period, and its comparisons.
    assert ">Numbers in treatment</a>" in body
    assert re.search(r'class="cdp-tile__value">2,153 <span class="cdp-tile__period">2022/23<',
                     body)
    assert "Not compared with England" in body and "Not compared with the region" in body
    # The sentence at the top says how the partnership stands.
    assert ("Of 1 metric on this dashboard, 0 are better than England, 0 similar, 0 worse and "
            "1 not compared; 0 of 1 target is off track; 1 milestone is overdue." in body)
    # 440 more by 2024/25 (due 31 March 2025), with no figure since 2022/23: not known.
    assert "Target status not known" in body
    assert "Target due 2024/25: no figures since 2022/23, so whether it was met is not known."\
        in body
    assert "Target on track" not in body and "Target off track" not in body
    # The plan's progress, as a chart's data and as a table.
    assert 'id="progress-priority"' in body and "Milestones by national priority" in body
    # The fixture's milestone was due on 31 March 2023 and is not complete.
    assert "Overdue or at risk (1)" in body
    assert "Prison leavers seen within 3 weeks" in body
    assert "Darlington" not in body


def test_the_progress_table_counts_each_milestone_once_by_its_derived_status(client, tenants):
    """The columns add up to All; an overdue milestone is counted as Overdue, not in the
    status recorded for it; the chart marks overdue as its own series, not as another green
    "On track". Counted when read: no recompute."""
    from actionplans import services as plans

    lead = tenants.users["a_lead"]
    objective = plans.objective_create(plan=tenants.plans["a"], user=lead, title="Police",
                                       priority="supply", strand="pursue")
    action = plans.key_action_create(objective=objective, user=lead, title="Operation GROW")
    for title, status in (("Done", "complete"), ("Going well", "on_track"),
                          ("Late and on track", "on_track"), ("Not begun", "not_started")):
        plans.milestone_create(key_action=action, user=lead, title=title, status=status,
                               due_date=date(2023, 3, 31) if title.startswith("Late")
                               else date(2099, 3, 31) if status != "complete"
                               else date(2023, 3, 31))
    client.force_login(tenants.users["a_viewer"])
    body = client.get("/partnerships/rotherham/").content.decode()
    header, *rows = Tables(body).tables["Milestones by national priority"]
    assert header == ["Priority", "Complete", "Overdue", "On track", "At risk or off track",
                      "Not started", "All"]
    table = {row[0]: row[1:] for row in rows}
    assert table["Break drug supply chains"] == ["1 (25%)", "1", "1", "0", "1", "4"]
    assert table["Deliver a world-class treatment and recovery system"] == [
        "0 (0%)", "1", "0", "0", "0", "1"]
    for cells in table.values():
        counted = [int(cells[0].split()[0]), *map(int, cells[1:5])]
        assert sum(counted) == int(cells[5])  # each milestone once: the columns make All
    assert "<strong>Overdue</strong> counts those past their due date" in body
    figure = json_script(body, "progress-priority")
    overdue = next(t for t in figure["data"] if t["name"] == "Overdue")
    assert overdue["x"] == [1, 1] and overdue["base"] == [1, 0]
    on_track = next(t for t in figure["data"] if t["name"] == "On track")
    assert on_track["x"] == [1, 0]


def test_an_overdue_milestone_does_not_read_as_plainly_on_track(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    body = client.get("/partnerships/rotherham/").content.decode()
    listed = re.search(r"Overdue or at risk \(1\)</h2>\s*<ul[^>]*>(.*?)</ul>", body, re.S)
    assert listed, "no list of milestones needing attention"
    item = " ".join(re.sub(r"<[^>]+>", " ", listed.group(1)).split())
    assert item == ("Prison leavers seen within 3 weeks – Overdue : was due 31 March 2023; "
                    "status recorded: On track")
    assert "govuk-tag--green" not in listed.group(1)  # no green "On track" tag beside it


def test_objectives_with_no_strand_are_named_so_and_never_most_complete(client, tenants):
    from actionplans import services as plans
    from outcomes.services import summaries_recompute

    lead = tenants.users["a_lead"]
    objective = plans.objective_create(plan=tenants.plans["a"], user=lead, title="Untagged",
                                       priority="treatment", strand="")
    action = plans.key_action_create(objective=objective, user=lead, title="Something")
    plans.milestone_create(key_action=action, user=lead, title="Finished", status="complete",
                           due_date=date(2023, 3, 31))
    summaries_recompute(partnership_ids=[tenants.a.pk])
    client.force_login(tenants.users["a_viewer"])
    body = client.get("/partnerships/rotherham/").content.decode()
    strands = {row[0] for row in Tables(body).tables["Milestones by 4P strand"][1:]}
    assert strands == {"Prevent", "No strand given"}
    assert "None given" not in body
    # "No strand given" is 100% complete, Prevent 0%: nothing named is "most complete".
    sentence = re.search(r"By 4P strand: [^<]*", body).group(0)
    assert "most complete" not in sentence


def test_the_metric_page_says_what_no_judgement_means(client, tenants):
    metric = Metric.objects.get(owner=tenants.a, code="digital_iba")
    metric.polarity = Metric.Polarity.NO_JUDGEMENT
    metric.save()
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"/partnerships/rotherham/metrics/{metric.pk}/").content.decode()
    assert "Neither higher nor lower is better." in body
    assert "No judgement" not in body
    body = client.get(f"/partnerships/rotherham/metrics/{in_treatment().pk}/").content.decode()
    assert "Higher is better." in body


def test_a_metric_page_has_the_chart_data_table_notes_and_milestones(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"/partnerships/rotherham/metrics/{in_treatment().pk}/").content.decode()
    assert 'id="chart-E08000018"' in body  # the figure's JSON, for plotly.js
    # The figure was loaded without an area name: it is named after its local authority.
    assert '<h2 class="govuk-heading-m" id="area-1">Rotherham</h2>' in body
    assert "The figures in the chart" in body and "2,153" in body
    assert "Prison leavers seen within 3 weeks" in body  # the milestone it measures
    # Due 31 March 2023 and not complete: overdue first, its recorded status beside it.
    assert re.search(r"Prison leavers seen within 3 weeks</a> <strong class=\"govuk-tag "
                     r"govuk-tag--red\">Overdue</strong><span class=\"govuk-visually-hidden\">:"
                     r"</span> <span[^>]*>was due 31 March 2023; status recorded: On track"
                     r"</span>", body)


def test_the_metric_csv_has_one_row_per_point(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    response = client.get(f"/partnerships/rotherham/metrics/{in_treatment().pk}/data.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["area_code"], r["period"], r["value"]) for r in rows] == [
        ("E08000018", "2022/23", "2153.0")]


def test_another_partnerships_local_metric_is_not_found(client, tenants):
    theirs = Metric.objects.get(owner=tenants.b, code="digital_iba")
    for user in ("a_viewer", "superuser"):
        client.force_login(tenants.users[user])
        assert client.get(f"/partnerships/rotherham/metrics/{theirs.pk}/").status_code == 404


def test_the_spine_chart_page(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    body = html.unescape(client.get("/partnerships/rotherham/spine/").content.decode())
    assert "Compared with England" in body and "The figures in the chart" in body
    # Rotherham and Darlington both have 2,153 for 2022/23 and there is no England figure:
    # the page says why it is not placed, and the chart is still drawn, a row saying so.
    assert ("Of 1 metric in the framework, none can be placed against England's range: 1 has "
            "the same value in every area for the same period." in body)
    figure = json_script(body, "spine")
    assert figure["layout"]["yaxis"]["categoryarray"] == [
        "The numbers in treatment for adults and young people (Rotherham)"]
    assert 'data-chart="spine"' in body and "plotly-basic.min.js" in body


def test_the_spine_says_when_the_range_is_this_area_alone(client, tenants):
    from django.utils import timezone

    from outcomes.models import MetricSummary, SummaryState

    # Darlington's figure is for another period: Rotherham's range is its own value alone.
    MetricSummary.objects.filter(partnership=tenants.a).update(
        england_value=2000, range_min=2153, range_q1=2153, range_median=2153, range_q3=2153,
        range_max=2153, rank_of=1)
    client.force_login(tenants.users["a_viewer"])
    body = html.unescape(client.get("/partnerships/rotherham/spine/").content.decode())
    assert ("Of 1 metric in the framework, none can be placed against England's range: 1 has "
            "no figure from any other area for the same period, so no range to be placed in."
            in body)
    header, row = Tables(body).tables["The figures in the chart"]
    assert header == ["Metric", "Period", "Value", "England",
                      "Range of areas (lowest to highest)",
                      "Middle half (25th to 75th percentile)", "Compared with England"]
    assert row == ["The numbers in treatment for adults and young people (Rotherham)",
                   "2022/23", "2,153", "2,000",
                   "No range: only this area has a figure for 2022/23", "Not compared"]
    annotations = json_script(body, "spine")["layout"]["annotations"]
    assert [a["text"] for a in annotations] == ["Only this area: no range"]
    # With a range of several areas and England, it is placed. Written here as a recompute
    # would write it, with the new time it was computed: the page keeps its chart and table
    # under the summaries' version (cdp/fragments.py).
    MetricSummary.objects.filter(partnership=tenants.a).update(
        range_min=1000, range_q1=1500, range_q3=2500, range_max=3000, rank_of=9)
    SummaryState.objects.filter(partnership=tenants.a).update(computed_at=timezone.now())
    body = html.unescape(client.get("/partnerships/rotherham/spine/").content.decode())
    assert "1 is placed against England's range" in body
    figure = json_script(body, "spine")
    assert figure["data"][2]["x"] == [pytest.approx(0.153)] and "annotations" in figure[
        "layout"] and figure["layout"]["annotations"] == []
    assert Tables(body).tables["The figures in the chart"][1][4:6] == [
        "1,000 to 3,000", "1,500 to 2,500"]


# --- Annotations on the metric page: chart, table, summary -----------------------------------
def test_the_metric_page_shows_notes_on_the_chart_in_the_table_and_in_the_summary(client,
                                                                                  tenants):
    from outcomes import services

    lead = tenants.users["a_lead"]
    # In the period of the figure (2022/23), and the fixture's own after it (1 April 2023).
    services.annotation_create(partnership=tenants.a, user=lead, metric=in_treatment(),
                               on=date(2022, 10, 1), text="Outreach van starts")
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"/partnerships/rotherham/metrics/{in_treatment().pk}/").content.decode()
    figure = json_script(body, "chart-E08000018")
    # On the chart each note's number; under it, the numbered list of their words.
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["1", "2"]
    listed = re.search(r'<ol class="govuk-list govuk-list--number cdp-chart-notes"[^>]*>(.*?)'
                       r'</ol>', body, re.S).group(1)
    assert [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", listed)] == [
        "1 October 2022: Outreach van starts",
        "1 April 2023: New treatment provider from 1 April (Rotherham CDP)"]
    assert [s["line"]["dash"] for s in figure["layout"]["shapes"]] == ["dot", "dot"]
    table = Tables(body).tables["The figures in the chart"]
    assert table[0][-1] == "Notes"
    assert table[1:] == [
        ["2022/23", "2,153", "–", "–", "–", "1. 1 October 2022: Outreach van starts"],
        ["1 April 2023 (no figures)", "–", "–", "–", "–",
         "2. 1 April 2023: New treatment provider from 1 April (Rotherham CDP)"]]
    summary = ("2 notes marked on the chart: 1. 1 October 2022: Outreach van starts; 2. 1 April "
               "2023: New treatment provider from 1 April (Rotherham CDP).")
    # The summary above the chart, and the chart's own text alternative, say it too.
    caption = re.search(r'<figcaption[^>]*>(.*?)</figcaption>', body, re.S).group(1)
    label = re.search(r'role="img" aria-label="([^"]*)"', body).group(1)
    assert html.unescape(caption).endswith(summary) and html.unescape(label).endswith(summary)
    # Partnership B's note on the same metric is nowhere.
    assert "Darlington" not in body


def test_script_in_a_note_is_text_on_the_page_and_in_the_chart_json(client, tenants):
    from outcomes import services

    hostile = '<script>alert("note")</script><img src=x onerror=alert(1)>'
    services.annotation_create(partnership=tenants.a, user=tenants.users["a_analyst"],
                               metric=in_treatment(), on=date(2022, 6, 1), text=hostile)
    client.force_login(tenants.users["a_lead"])
    body = client.get(f"/partnerships/rotherham/metrics/{in_treatment().pk}/").content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt;" in body
    # json_script escapes <, > and & in the page; plotly.js reads the text as entities, so it
    # draws the characters rather than tags.
    raw = re.search(r'<script id="chart-E08000018" type="application/json">(.*?)</script>',
                    body, re.S).group(1)
    assert "<" not in raw and ">" not in raw
    label = json_script(body, "chart-E08000018")["layout"]["annotations"][0]
    assert label["hovertext"].endswith("&lt;script&gt;alert(\"note\")&lt;/script&gt;&lt;img "
                                       "src=x onerror=alert(1)&gt;")


def test_the_metric_page_without_notes_has_no_notes_column(client, tenants):
    tenants.annotations["a"].delete()
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"/partnerships/rotherham/metrics/{in_treatment().pk}/").content.decode()
    assert Tables(body).tables["The figures in the chart"][0][-1] != "Notes"
    assert "Rotherham CDP has added no notes to this metric." in body
    assert "annotations" not in json_script(body, "chart-E08000018")["layout"]

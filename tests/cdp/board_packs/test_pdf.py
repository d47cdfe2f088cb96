"""Drawing a board pack: charts fitted to the page and drawn by kaleido in Debian's Chromium,
and HTML printed by WeasyPrint that fetches nothing. No database."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from cdp.board_packs import pdf as board_pack_pdf
from outcomes import charts

ROOT = Path(__file__).resolve().parents[3]
PLOTLY_JS = ROOT / "static" / "build" / "plotly" / "plotly-basic.min.js"
CHROMIUM = "/usr/bin/chromium"

ROWS = [{"label": "Deliver a world-class treatment and recovery system", "key": "treatment",
         "total": 5, "complete": 2, "closed": 0, "on_track": 1, "at_risk": 1, "off_track": 0,
         "not_started": 1, "overdue": 1, "percent_complete": 40.0},
        {"label": "Break drug supply chains", "key": "supply", "total": 2, "complete": 1,
         "closed": 0, "on_track": 1, "at_risk": 0, "off_track": 0, "not_started": 0,
         "overdue": 0, "percent_complete": 50.0}]


def progress_figure() -> dict:
    return charts.plan_progress_figure(ROWS, title="Milestones by national priority")


def test_a_figure_is_fitted_to_the_printed_page():
    figure = progress_figure()
    fitted = board_pack_pdf.static_figure(figure)

    layout = fitted["layout"]
    assert (layout["width"], layout["autosize"]) == (board_pack_pdf.CHART_WIDTH, False)
    assert "title" not in layout  # the pack gives it as a heading
    assert "Liberation Sans" in layout["font"]["family"]
    wrapped = "Deliver a world-class<br>treatment and recovery<br>system"
    assert all(trace["y"][0] == wrapped for trace in fitted["data"])
    assert layout["yaxis"]["categoryarray"][0] == wrapped  # the bars keep their order
    assert layout["margin"]["b"] > figure["layout"]["margin"]["b"]  # room for the legend
    # The page's own figure is not changed.
    assert figure["data"][0]["y"][0] == ROWS[0]["label"]
    assert figure["layout"]["title"]["text"] == "Milestones by national priority"


def test_a_missing_browser_is_said_in_words():
    if not PLOTLY_JS.is_file():
        pytest.fail(f"{PLOTLY_JS} is missing: run `npm run build`")
    figures = [board_pack_pdf.static_figure(progress_figure())]
    with pytest.raises(board_pack_pdf.ChartsUnavailable) as error:
        list(board_pack_pdf.draw_charts(figures, browser_path="/nowhere/chromium",
                                        plotlyjs=PLOTLY_JS))
    assert "no Chromium browser was found at /nowhere/chromium" in str(error.value)
    assert "BROWSER_PATH" in str(error.value)


def test_missing_plotly_js_is_said_in_words(tmp_path):
    with pytest.raises(board_pack_pdf.ChartsUnavailable, match="npm run build"):
        list(board_pack_pdf.draw_charts([progress_figure()], browser_path=CHROMIUM,
                                        plotlyjs=tmp_path / "plotly.js"))


@pytest.mark.slow  # starts Chromium
def test_every_chart_is_drawn_in_one_browser_session():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    figures = [board_pack_pdf.static_figure(progress_figure()),
               board_pack_pdf.static_figure(charts.plan_progress_figure(ROWS[1:], title="One"))]
    images = list(board_pack_pdf.draw_charts(figures, browser_path=CHROMIUM,
                                             plotlyjs=PLOTLY_JS))
    assert len(images) == 2
    for image, figure in zip(images, figures, strict=True):
        assert image.startswith(b"\x89PNG\r\n\x1a\n")
        width = int.from_bytes(image[16:20], "big")
        height = int.from_bytes(image[20:24], "big")
        assert (width, height) == (figure["layout"]["width"] * board_pack_pdf.CHART_SCALE,
                                   figure["layout"]["height"] * board_pack_pdf.CHART_SCALE)


def test_the_pdf_is_tagged_and_fetches_nothing(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the pdf")
    inline = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAA"
              "AABJRU5ErkJggg==")
    html = (f'<html lang="en-GB"><head><title>Board pack</title></head><body><h1>Board pack</h1>'
            f'<img alt="a dot" src="data:image/png;base64,{inline}">'
            f'<img alt="a file" src="{secret.as_uri()}">'
            f'<img alt="a site" src="http://127.0.0.1:9/chart.png"></body></html>')
    pdf = board_pack_pdf.pdf_from_html(html, stylesheet="h1 { color: #1d70b8; }")

    reader = PdfReader(io.BytesIO(pdf))
    assert "Board pack" in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 1  # the inline one only
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged for screen readers
    assert reader.metadata.title == "Board pack"

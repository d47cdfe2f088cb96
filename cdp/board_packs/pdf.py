"""Drawing a board pack: its charts as PNG images with kaleido (plotly.js in a headless
Chromium, Debian's by default: the BROWSER_PATH setting) and its HTML as a PDF with
WeasyPrint. Plain data in, bytes out: no ORM, no request.

All of a pack's charts are drawn in one browser session: starting Chromium takes most of the
time. plotly.js is our own static build (no CDN) and MathJax is off, so the browser fetches
nothing from the network; WeasyPrint is given the images inline and may fetch nothing else.

kaleido (with choreographer) and WeasyPrint are imported when a pack is drawn, not with this
module: together they take about a second to import (WeasyPrint loads Pango), and only the
process that makes a pack needs them, never a web process that serves the pages.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import logging
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

# The page's text column (A4 portrait less the margins) is about 640 CSS pixels: charts are
# drawn that wide, at twice the resolution for print.
CHART_WIDTH = 640
CHART_SCALE = 2
LABEL_CHARS = 26  # of a bar's category label on one line
LEGEND_ROW = 24  # pixels a row of the legend takes below the plot
LEGEND_CHARS_PER_ROW = 70
# Drawing one chart; starting the browser is extra.
CHART_TIMEOUT = 60
FONT = "'Liberation Sans', Arial, Helvetica, sans-serif"  # as templates/cdp/board_pack/pack.css


class ChartsUnavailable(Exception):
    """The charts could not be drawn: the message says why, in words for the page."""


def _wrap(text: str, chars: int) -> str:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return "<br>".join(lines)


def static_figure(figure: dict, *, width: int = CHART_WIDTH) -> dict:
    """The figure fitted to the printed page, as static/js/charts.js fits it to a column:
    fixed width, horizontal bars' category labels wrapped (each row tall enough for them),
    and room below the plot for the legend's rows."""
    figure = copy.deepcopy(figure)
    layout, data = figure.setdefault("layout", {}), figure.get("data", [])
    layout["width"], layout["autosize"] = width, False
    # The page gives the chart its title, as a heading; the pack's typeface throughout.
    height = layout.get("height", 360)
    if layout.pop("title", None):
        top = layout.get("margin", {}).get("t", 50)
        layout["margin"] = {**layout.get("margin", {}), "t": 20}
        height -= top - 20
    layout["font"] = {**layout.get("font", {}), "family": FONT}
    lines = 1
    for trace in data:
        if trace.get("type") == "bar" and trace.get("orientation") == "h" and all(
                isinstance(y, str) for y in trace.get("y", [])):
            trace["y"] = [_wrap(y, LABEL_CHARS) for y in trace["y"]]
            lines = max([lines, *(y.count("<br>") + 1 for y in trace["y"])])
            rows = len(trace["y"])
            height = max(height, 120 + rows * (22 * lines + 16))
            layout["yaxis"] = {**(layout.get("yaxis") or {}), "ticklabelstandoff": 6}
    yaxis = layout.get("yaxis") or {}
    if isinstance(yaxis.get("categoryarray"), list):
        yaxis["categoryarray"] = [_wrap(y, LABEL_CHARS) if isinstance(y, str) else y
                                  for y in yaxis["categoryarray"]]
    legend_text = sum(len(str(t.get("name", ""))) + 6 for t in data if t.get("showlegend", True))
    legend_rows = max(1, -(-legend_text // LEGEND_CHARS_PER_ROW))
    margin = dict(layout.get("margin", {}))
    margin["b"] = margin.get("b", 60) + LEGEND_ROW * legend_rows
    layout["margin"] = margin
    layout["height"] = height + LEGEND_ROW * legend_rows
    return figure


def png_data_uri(image: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


_DONE = object()


def draw_charts(figures: list[dict], *, browser_path: str, plotlyjs: Path) -> Iterator[bytes]:
    """Each figure as a PNG, in order, yielded as it is drawn: all in one browser session.

    The browser runs in an event loop of its own thread, so that the caller (a Celery task, or
    a web request without a broker) can record its progress with the ORM between charts.
    Raises ChartsUnavailable when the browser or plotly.js is missing or fails."""
    if not figures:
        return
    if not plotlyjs.is_file():
        raise ChartsUnavailable(f"plotly.js is missing ({plotlyjs}): build the front end "
                                "with `npm run build`, then try again.")
    results: queue.Queue = queue.Queue()

    async def draw() -> None:
        import kaleido  # lazily: see the module's docstring

        async with kaleido.Kaleido(n=1, timeout=CHART_TIMEOUT, path=browser_path,
                                   plotlyjs=plotlyjs, mathjax=False) as browser:
            for figure in figures:
                results.put(await browser.calc_fig(figure, opts={
                    "format": "png", "width": figure["layout"].get("width", CHART_WIDTH),
                    "height": figure["layout"].get("height", 360), "scale": CHART_SCALE}))

    def work() -> None:
        try:
            asyncio.run(draw())
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            results.put(error)
        results.put(_DONE)

    thread = threading.Thread(target=work, name="board-pack-charts", daemon=True)
    thread.start()
    drawn = 0
    try:
        while drawn < len(figures):
            try:
                item = results.get(timeout=CHART_TIMEOUT * 2)
            except queue.Empty:
                raise ChartsUnavailable(
                    f"The charts could not be drawn: the browser ({browser_path}) did not "
                    f"answer within {CHART_TIMEOUT * 2} seconds. Try again.") from None
            if item is _DONE:
                raise ChartsUnavailable("The charts could not be drawn: the browser stopped "
                                        "before it had drawn them all. Try again.")
            if isinstance(item, BaseException):
                raise _unavailable(item, browser_path) from item
            drawn += 1
            yield item
    finally:
        thread.join(timeout=CHART_TIMEOUT)


def _unavailable(error: BaseException, browser_path: str) -> ChartsUnavailable:
    from choreographer.errors import ChromeNotFoundError  # lazily, as kaleido

    if isinstance(error, ChromeNotFoundError) or not Path(browser_path).exists():
        return ChartsUnavailable(
            f"The charts could not be drawn: no Chromium browser was found at "
            f"{browser_path}. Install Debian's chromium package, or set BROWSER_PATH to "
            "where Chromium is, then try again.")
    # The members who read the pack's page get plain words; the details go to the log.
    logging.getLogger(__name__).warning("Chromium (%s) could not draw the charts",
                                        browser_path, exc_info=error)
    return ChartsUnavailable(f"The charts could not be drawn: Chromium ({browser_path}) "
                             "stopped with an error. Try again; if it happens again, tell "
                             "your administrator (the service's log has the details).")


def pdf_from_html(html: str, *, stylesheet: str) -> bytes:
    """The HTML (with its images inline, as data: URIs) as a tagged PDF (PDF/UA-1: headings,
    tables and the images' text alternatives reach screen readers). Nothing is fetched."""
    # Lazily: see the module's docstring.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=stylesheet, url_fetcher=fetcher)], pdf_variant="pdf/ua-1")

// Draws each chart from the JSON its page embeds with json_script. Without JavaScript the
// sentence and the table beside every chart say the same.
//
// The figures (outcomes/charts.py) are drawn to fit the column they are in, and drawn again
// when its width changes: long titles and category labels wrap, the legend goes below the
// axis title and the chart grows to hold it, and small counts get whole-number ticks.
// Everything here is done through plotly.js's own API: no inline style or script (CSP).

const CONFIG = { displayModeBar: false, responsive: false }; // the ResizeObserver redraws
const LINE_HEIGHT = 1.3; // of a label, in font sizes
const CHAR_WIDTH = 0.55; // an average character's width, in font sizes
const LEGEND_GAP = 10;

function wrap(text, chars) {
  if (typeof text !== "string" || text.length <= chars) return text;
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join("<br>");
}

const lineCount = (text) => (typeof text === "string" ? text.split("<br>").length : 1);

// Period labels ("2021/22", "2015 - 17") in time order: a target's baseline may come before
// the first figure.
function timeOrder(categories) {
  if (!categories.every((c) => /^\d{4}/.test(String(c)))) return categories;
  return [...categories].sort((a, b) => String(a).slice(0, 4) - String(b).slice(0, 4));
}

function fitted(figure, width) {
  const layout = structuredClone(figure.layout);
  const data = structuredClone(figure.data);
  const font = layout.font?.size ?? 12;
  let height = layout.height ?? 360;
  layout.width = width;
  layout.autosize = false;
  layout.margin = { l: 60, r: 20, t: 50, b: 60, ...layout.margin };

  if (layout.title?.text) {
    const size = layout.title.font?.size ?? font;
    layout.title.text = wrap(layout.title.text, Math.floor((width - 20) / (size * CHAR_WIDTH)));
    const extra = Math.ceil((lineCount(layout.title.text) - 1) * size * LINE_HEIGHT);
    layout.margin.t += extra;
    height += extra;
  }

  // Horizontal bars (the plan's progress, the spine chart): category labels take at most
  // about a third of the width, in every trace alike, and each row is tall enough for its
  // label's lines.
  const labelled = (trace) => Array.isArray(trace.y) && trace.y.every((y) => typeof y === "string");
  if (data.some((trace) => trace.type === "bar" && trace.orientation === "h")) {
    const chars = Math.max(12, Math.floor((width * 0.33) / (font * CHAR_WIDTH)));
    const rows = new Set();
    for (const trace of data.filter(labelled)) {
      trace.y = trace.y.map((label) => wrap(label, chars));
      for (const label of trace.y) rows.add(label);
    }
    const perRow = Math.max(0, ...[...rows].map(lineCount)) * font * LINE_HEIGHT + 12;
    if (perRow > 40) height += Math.ceil((perRow - 40) * rows.size);
  }

  // Stacked bars of milestones by status.
  const stacked = layout.barmode === "stack" && data.length > 0 && data.every(
    (trace) => trace.type === "bar" && trace.orientation === "h" && Array.isArray(trace.x));
  if (stacked) {
    // The legend names only the statuses that some bar shows.
    for (const trace of data) {
      if (!trace.x.some((value) => value)) trace.showlegend = false;
    }
    const totals = data[0].x.map((_, i) => data.reduce((sum, t) => sum + (Number(t.x[i]) || 0), 0));
    layout.xaxis = { rangemode: "tozero", ...layout.xaxis };
    if (Math.max(0, ...totals) <= 10) layout.xaxis.dtick = 1; // no half milestones
    // Top to bottom in the order of the table beside the chart.
    layout.yaxis = { ...layout.yaxis, autorange: "reversed" };
  }

  layout.xaxis = { automargin: true, ...layout.xaxis };
  layout.yaxis = { automargin: true, ...layout.yaxis };

  // A metric's series over time: lines and points against periods.
  const series = layout.xaxis.type === "category" && data.length > 0
    && data.every((trace) => (trace.type ?? "scatter") === "scatter");
  if (series) {
    if (Array.isArray(layout.xaxis.categoryarray)) {
      layout.xaxis.categoryarray = timeOrder(layout.xaxis.categoryarray);
    }
    // Half a period's room either side, and the periods' labels a little lower, so that the
    // first is not drawn under the value axis's lowest label.
    const periods = new Set(layout.xaxis.categoryarray
      ?? data.flatMap((trace) => (Array.isArray(trace.x) ? trace.x : [])));
    if (periods.size) layout.xaxis.range = [-0.5, periods.size - 0.5];
    layout.xaxis.ticklabelstandoff = Math.ceil(font * 0.6);
    // On a narrow chart every second (third…) period is labelled, level rather than turned
    // on its side; the table has them all.
    const longest = Math.max(0, ...[...periods].map((period) => String(period).length));
    const fit = Math.floor((width - 100) / (longest * font * CHAR_WIDTH + 16));
    if (periods.size > fit) layout.xaxis.nticks = Math.max(2, fit);
  }
  // Below the axis title, from the left edge; plotly.js reserves the room it takes.
  layout.legend = {
    ...layout.legend,
    orientation: "h",
    traceorder: "normal", // the order of the bars' segments, not plotly.js's reversed stack
    xref: "container",
    x: 0,
    xanchor: "left",
    yref: "container",
    y: 0,
    yanchor: "bottom",
    maxheight: 1, // never a scrolling legend: the chart grows instead
  };
  layout.height = height;
  return { data, layout };
}

async function draw(holder, figure, width) {
  const { data, layout } = fitted(figure, width);
  await window.Plotly.react(holder, data, layout, CONFIG);
  const legend = holder.querySelector(".legend");
  const room = legend ? Math.ceil(legend.getBoundingClientRect().height) + LEGEND_GAP : 0;
  if (room) await window.Plotly.relayout(holder, { height: layout.height + room });
}

function watch(holder, figure) {
  let drawnWidth = 0;
  let busy = false;
  const update = async () => {
    const width = Math.floor(holder.clientWidth);
    if (busy || !width || width === drawnWidth) return;
    busy = true;
    drawnWidth = width;
    try {
      await draw(holder, figure, width);
      holder.classList.add("cdp-chart--drawn");
    } finally {
      busy = false;
    }
    update(); // the column may have changed width while the chart was drawn
  };
  new ResizeObserver(update).observe(holder);
}

for (const holder of document.querySelectorAll("[data-chart]")) {
  const source = document.getElementById(holder.dataset.chart);
  if (!source || !window.Plotly) continue;
  watch(holder, JSON.parse(source.textContent));
}

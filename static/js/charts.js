// Draws each chart from the JSON its page embeds with json_script. Without JavaScript the
// sentence and the table beside every chart say the same.
//
// The figures come from outcomes/charts.py with every choice made (legend entries, the order
// of categories and periods, axes, the legend below the axis title). Here they are only
// fitted to the width of the column they are in, and drawn again when it changes: long
// titles and category labels wrap, a narrow series labels fewer periods, and the chart grows
// to hold its legend. Everything is done through plotly.js's own API: no inline style or
// script (CSP).

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

// At most `chars` characters of a plotly.js string, an entity (&lt;) counting as one and
// never cut; "…" says it was cut.
function shorten(text, chars) {
  const parts = text.match(/&#?\w+;|[\s\S]/g) ?? [];
  if (parts.length <= chars) return text;
  return `${parts.slice(0, chars - 1).join("").trimEnd()}…`;
}

const lineCount = (text) => (typeof text === "string" ? text.split("<br>").length : 1);

function fitted(figure, width) {
  const layout = structuredClone(figure.layout);
  const data = structuredClone(figure.data);
  const font = layout.font?.size ?? 12;
  let height = layout.height ?? 360;
  layout.width = width;
  layout.autosize = false;

  if (layout.title?.text) {
    const size = layout.title.font?.size ?? font;
    layout.title.text = wrap(layout.title.text, Math.floor((width - 20) / (size * CHAR_WIDTH)));
    const extra = Math.ceil((lineCount(layout.title.text) - 1) * size * LINE_HEIGHT);
    layout.margin = { ...layout.margin, t: (layout.margin?.t ?? 0) + extra };
    height += extra;
  }

  // Notes on a series (charts.py's annotations named "note", above their dotted lines): each
  // label is cut short to the room between its line and the edge of the plot on the side it
  // reaches into. The whole note is in its hover text, the chart's summary and its table.
  const range = layout.xaxis?.range;
  if (Array.isArray(range) && range[1] > range[0]) {
    const axisRoom = 50; // the value axis's labels and title, which plotly.js adds (automargin)
    const plot = width - (layout.margin?.l ?? 0) - (layout.margin?.r ?? 0) - axisRoom;
    for (const note of layout.annotations ?? []) {
      if (note.name !== "note" || typeof note.text !== "string") continue;
      const at = ((note.x - range[0]) / (range[1] - range[0])) * plot;
      const room = note.xanchor === "right" ? at + axisRoom : plot - at;
      const size = (note.font?.size ?? font) * 0.6;
      note.text = shorten(note.text, Math.max(4, Math.floor((room - 10) / size)));
    }
  }

  // Horizontal bars (the plan's progress, the spine chart, the comparison of areas):
  // category labels take at most about a third of the width, in every trace alike (and in
  // the category order and the notes placed on a category), and each row is tall enough for
  // its label's lines.
  const labelled = (trace) => Array.isArray(trace.y) && trace.y.every((y) => typeof y === "string");
  if (data.some((trace) => trace.type === "bar" && trace.orientation === "h")) {
    const chars = Math.max(12, Math.floor((width * 0.33) / (font * CHAR_WIDTH)));
    const rows = new Set();
    for (const trace of data.filter(labelled)) {
      trace.y = trace.y.map((label) => wrap(label, chars));
      for (const label of trace.y) rows.add(label);
    }
    if (Array.isArray(layout.yaxis?.categoryarray)) {
      layout.yaxis.categoryarray = layout.yaxis.categoryarray.map((label) => wrap(label, chars));
    }
    for (const note of layout.annotations ?? []) {
      if (note.yref === "y" && typeof note.y === "string") note.y = wrap(note.y, chars);
    }
    const perRow = Math.max(0, ...[...rows].map(lineCount)) * font * LINE_HEIGHT + 12;
    if (perRow > 40) height += Math.ceil((perRow - 40) * rows.size);
  }

  // A metric's series over time (its periods in order, from charts.py): on a narrow chart
  // every second (third…) period is labelled, level rather than turned on its side; the
  // table has them all.
  const periods = layout.xaxis?.categoryarray;
  const series = Array.isArray(periods) && periods.length > 0 && data.length > 0
    && data.every((trace) => (trace.type ?? "scatter") === "scatter");
  if (series) {
    const longest = Math.max(0, ...periods.map((period) => String(period).length));
    const fit = Math.floor((width - 100) / (longest * font * CHAR_WIDTH + 16));
    if (periods.length > fit) layout.xaxis.nticks = Math.max(2, fit);
  }
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

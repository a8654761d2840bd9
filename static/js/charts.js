// Draws every chart on the page from its JSON (rendered by json_script), under a strict CSP:
// no inline scripts, so the figure data lives in <script type="application/json"> blocks.
// The payload carries only what is drawn (dates, rounded values, labels, the unit's name);
// the look, hover text and tick labels in human units are applied here, once for every chart.
// The server renders each chart first as a static preview in its URL state (reader/chart_preview.py);
// plotly (vendored, data-plotly on this script's tag) is fetched the first time a reader reaches for one.
(function () {
  "use strict";

  var INK = "#1b1f24", ACCENT = "#0b57a4", CLAIM = "#b3261e", OTHER = "#c26a00", GRID = "#e3e6ea";
  var SUP = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };

  // The same rules as measures/quantities.py (quantity()), so the page's text and its chart agree.
  function significant(value, digits) {
    if (value === 0) { return "0"; }
    var decimals = Math.max(0, (digits || 3) - 1 - Math.floor(Math.log10(Math.abs(value))));
    return value.toLocaleString("en-US", { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
  }
  function superscript(n) { return String(n).split("").map(function (c) { return SUP[c]; }).join(""); }
  function scientific(value) {
    if (value === 0) { return "0"; }
    var exponent = Math.floor(Math.log10(Math.abs(value)));
    var mantissa = Math.round(value / Math.pow(10, exponent) * 10) / 10;
    if (Math.abs(mantissa) >= 10) { mantissa /= 10; exponent += 1; }
    return mantissa.toFixed(1) + " × 10" + superscript(exponent);
  }
  function scaled(value, steps) {
    for (var i = 0; i < steps.length; i++) {
      if (Math.abs(value) >= steps[i][0]) { return significant(value / steps[i][0]) + steps[i][1]; }
    }
    return significant(value);
  }
  var MONEY = [[1e12, " T"], [1e9, " bn"], [1e6, " M"], [1e3, " k"]];
  var POWER = [[1e9, " GW"], [1e6, " MW"], [1e3, " kW"]];
  function duration(minutes) {
    if (minutes < 1) { return significant(minutes * 60, 2) + " s"; }
    if (minutes < 60) { return significant(minutes, 2) + " min"; }
    return significant(minutes / 60, 2) + " h";
  }
  var FORMAT = {
    flop: function (v) { return scientific(v) + " FLOP"; },
    usd: function (v) { return "$" + scaled(v, MONEY); },
    watts: function (v) { var t = scaled(v, POWER); return /W$/.test(t) ? t : t + " W"; },
    parameters: function (v) { return (v >= 1e6 ? scientific(v) : significant(v)) + " parameters"; },
    minutes: duration,
    fraction: function (v) { return v.toFixed(2); },
    number: function (v) { return Math.abs(v) >= 1e6 ? scientific(v) : significant(v); },
  };
  // Tick labels for log axes: short forms of the same units.
  var TICK = {
    flop: function (v) { return "10" + superscript(Math.round(Math.log10(v))); },
    usd: function (v) { return "$" + scaled(v, MONEY).replace(" ", ""); },
    watts: function (v) { return scaled(v, POWER).replace(" ", ""); },
    parameters: function (v) { return "10" + superscript(Math.round(Math.log10(v))); },
    minutes: duration,
  };
  var MINUTE_TICKS = [1 / 60, 10 / 60, 1, 4, 15, 60, 240, 960, 2880, 14400];

  function logTicks(unit, values) {
    var positive = values.filter(function (v) { return v > 0; });
    if (!positive.length || !TICK[unit]) { return null; }
    var low = Math.min.apply(null, positive), high = Math.max.apply(null, positive), ticks = [];
    if (unit === "minutes") {
      ticks = MINUTE_TICKS.filter(function (t) { return t >= low / 4 && t <= high * 4; });
    } else {
      var from = Math.floor(Math.log10(low)), to = Math.ceil(Math.log10(high));
      // At most ~7 labels so a 375 px axis stays legible.
      var step = Math.max(1, Math.ceil((to - from) / 7));
      for (var e = from; e <= to; e += step) { ticks.push(Math.pow(10, e)); }
    }
    return { tickvals: ticks, ticktext: ticks.map(TICK[unit]) };
  }

  function dateText(iso) {
    var d = new Date(iso + "T00:00:00Z");
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }

  function styleTrace(trace, format, groups) {
    var role = trace.meta;
    if (role === "points") {
      trace.marker = { size: 7, color: ACCENT, opacity: 0.6 };
      trace.hovertext = trace.y.map(function (y, i) {
        var group = trace.group && groups ? groups[trace.group[i]] : "";
        return trace.text[i] + (group ? " · " + group : "") + "<br>" + dateText(trace.x[i]) + ": " + format(y);
      });
      delete trace.group;
      trace.hoverinfo = "text";
      delete trace.text;  // labels are for hover only, not printed on the chart
      if (trace.error_y) { trace.error_y.color = "#8a96a3"; trace.error_y.thickness = 1; trace.error_y.width = 0; }
    } else if (role === "frontier") {
      trace.line = { shape: "hv", color: INK, width: 2 };
    } else if (role === "claims") {
      trace.marker = { symbol: "diamond", size: trace.marker.size, color: OTHER, line: { color: "#fff", width: 1 } };
      trace.textposition = "top center";
      trace.textfont = { color: OTHER, size: 12 };
      trace.hoverinfo = "text";
    } else if (role === "own") {
      trace.marker = { symbol: "star", size: 18, color: CLAIM, line: { color: "#fff", width: 1 } };
      trace.hoverinfo = "text";
    } else if (role === "crossing") {
      trace.marker = { symbol: "x", size: 12, color: CLAIM };
      trace.hoverinfo = "text";
    }
    return trace;
  }

  function styleLayout(layout, figure, narrow) {
    var yaxis = layout.yaxis || {};
    var base = {
      height: narrow ? 340 : 420,
      margin: { l: narrow ? 48 : 64, r: 12, t: 24, b: 40 },
      font: { family: "system-ui, sans-serif", size: narrow ? 11 : 13, color: INK },
      paper_bgcolor: "#fff", plot_bgcolor: "#fff",
      hovermode: "closest",
      showlegend: true,
      legend: { orientation: "h", yanchor: "bottom", y: 1.02, x: 0 },
      xaxis: { type: "date", gridcolor: GRID, nticks: narrow ? 4 : 8 },
      yaxis: { title: yaxis.title, type: yaxis.type || "linear", gridcolor: GRID, zeroline: false },
    };
    if (narrow) { base.yaxis.title = null; }
    (layout.shapes || []).forEach(function (shape) {
      shape.line = { color: CLAIM, width: shape.meta === "own" ? 2 : 1.5, dash: shape.meta === "own" ? "dash" : "dot" };
      if (shape.meta === "crossing-interval") { shape.line = { width: 0 }; shape.fillcolor = "rgba(179,38,30,0.08)"; }
    });
    (layout.annotations || []).forEach(function (note) { note.font = { color: CLAIM }; });
    base.shapes = layout.shapes || [];
    base.annotations = layout.annotations || [];
    return base;
  }

  function applyScale(layout, figure, scale) {
    layout.yaxis.type = scale;
    var ticks = scale === "log" ? logTicks(figure.unit, figure.data.reduce(function (all, t) { return all.concat(t.y || []); }, [])) : null;
    layout.yaxis.tickmode = ticks ? "array" : "auto";
    layout.yaxis.tickvals = ticks ? ticks.tickvals : null;
    layout.yaxis.ticktext = ticks ? ticks.ticktext : null;
  }

  function pick(container, urls, texts) {
    // A merged marker lists its claims below the chart: one click away each.
    var box = document.getElementById(container.id + "-picked");
    if (!box) { return; }
    box.textContent = "";
    var heading = document.createElement("p");
    heading.textContent = urls.length + " claims at this point:";
    var list = document.createElement("ul");
    urls.forEach(function (url, i) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = url;
      link.textContent = texts[i] || url;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
    box.hidden = false;
    list.querySelector("a").focus();
  }

  // --- plotly on demand: the server drew a static preview; the interactive chart costs 1 MB of
  // script, so it loads only when a reader reaches for a chart (points, touches, focuses, uses a control).
  var SELF = document.currentScript;
  var plotlyLoading = null;
  function loadPlotly() {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = SELF.dataset.plotly;
        script.nonce = SELF.nonce;  // the strict CSP admits only scripts carrying the page's nonce
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }

  function draw(container) {
    var source = document.getElementById(container.dataset.figure);
    if (!source) { return Promise.resolve(); }
    var figure = JSON.parse(source.textContent);
    var format = FORMAT[figure.unit] || FORMAT.number;
    container.hidden = false;  // plotly measures its box; a table view hides it again below
    var narrow = container.clientWidth < 500;
    var data = figure.data.map(function (trace) { return styleTrace(trace, format, figure.groups); });
    var layout = styleLayout(figure.layout, figure, narrow);
    // Drawn straight in the reader's state (the URL's, or what they chose before plotly arrived).
    var state = container.chartState, defaults = container.chartDefaults;
    applyScale(layout, figure, state ? state.scale : layout.yaxis.type);
    if (state && !isWhole(state, defaults)) { layout.xaxis.range = [state.from + "-01-01", (state.to + 1) + "-01-01"]; }
    container.chartFigure = figure;
    container.textContent = "";  // the preview goes; plotly draws in the same reserved box
    return window.Plotly.newPlot(container, data, layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
      toImageButtonOptions: { filename: container.id.replace(/^chart-/, "claimwatch-") },
    }).then(function () {
      container.hidden = Boolean(container.chartState && container.chartState.view === "table");
      // Claim markers carry their pages' URLs: one claim opens, several are listed.
      container.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var urls = point && point.customdata;
        if (!Array.isArray(urls) || !urls.length) { return; }
        if (urls.length === 1) { window.location.assign(urls[0]); return; }
        var lines = String(point.hovertext || point.data.hovertext[point.pointIndex]).split("<br>").slice(1);
        pick(container, urls, lines);
      });
      container.classList.add("chart-drawn");
      container.setAttribute("data-drawn", "true");
      container.dispatchEvent(new CustomEvent("chart:drawn", { bubbles: true }));
    });
  }

  function activate(container, evenAsTable) {
    // In the table view the chart is not drawn (it would flash into view): plotly is only fetched,
    // and draws when the reader switches to the chart, or asks for an image of it.
    if (!evenAsTable && container.chartState && container.chartState.view === "table" && !container.drawing) {
      return loadPlotly();
    }
    if (!container.drawing) {
      container.drawing = loadPlotly().then(function () { return draw(container); });
    }
    return container.drawing;
  }

  // --- exploring: scale, time range, chart or table, image downloads; the state lives in the URL ---
  // The server parses the same parameters (reader/charts.py) and renders the page in that state.
  function stateKey(container, name) { return container.id.replace(/^chart-/, "") + "." + name; }

  function readState(container, defaults) {
    var params = new URLSearchParams(window.location.search), years = defaults.years;
    var scale = params.get(stateKey(container, "scale"));
    var from = parseInt(params.get(stateKey(container, "from")), 10);
    var to = parseInt(params.get(stateKey(container, "to")), 10);
    var view = params.get(stateKey(container, "view"));
    return {
      scale: scale === "log" || scale === "linear" ? scale : defaults.scale,
      from: years.indexOf(from) >= 0 ? from : years[0],
      to: years.indexOf(to) >= 0 ? to : years[years.length - 1],
      view: view === "table" ? "table" : "chart",
    };
  }

  function changed(container, state, defaults) {
    // Only what differs from the chart as first drawn, named as the server reads it.
    var values = { scale: state.scale, from: state.from, to: state.to, view: state.view };
    var initial = { scale: defaults.scale, from: defaults.years[0], to: defaults.years[defaults.years.length - 1], view: "chart" };
    var out = {};
    Object.keys(values).forEach(function (name) {
      if (values[name] !== initial[name]) { out[stateKey(container, name)] = String(values[name]); }
    });
    return out;
  }

  function withParams(url, params) {
    var query = new URLSearchParams(params).toString();
    return query ? url + (url.indexOf("?") >= 0 ? "&" : "?") + query : url;
  }

  function isWhole(state, defaults) {
    return state.from === defaults.years[0] && state.to === defaults.years[defaults.years.length - 1];
  }

  function writeState(container, state, defaults) {
    var params = new URLSearchParams(window.location.search), mine = changed(container, state, defaults);
    ["scale", "from", "to", "view"].forEach(function (name) { params.delete(stateKey(container, name)); });
    Object.keys(mine).forEach(function (name) { params.set(name, mine[name]); });
    var query = params.toString();
    window.history.replaceState(window.history.state, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  function relayout(container, state, defaults) {
    var figure = container.chartFigure, layout = container.layout;
    applyScale(layout, figure, state.scale);
    var update = {
      "yaxis.type": state.scale, "yaxis.autorange": true, "yaxis.tickmode": layout.yaxis.tickmode,
      "yaxis.tickvals": layout.yaxis.tickvals, "yaxis.ticktext": layout.yaxis.ticktext,
    };
    var whole = isWhole(state, defaults);
    // The whole span autoranges, so a projected crossing after the last record stays in view.
    if (whole) { update["xaxis.autorange"] = true; }
    else { update["xaxis.range"] = [state.from + "-01-01", (state.to + 1) + "-01-01"]; }
    return window.Plotly.relayout(container, update);
  }

  function showState(container, state, defaults) {
    // What does not need plotly: the view, the toggles, and links that carry the state.
    var figureEl = container.closest("figure"), table = figureEl.querySelector(".chart-table");
    container.hidden = state.view === "table";
    if (table) { table.open = state.view === "table"; }
    figureEl.querySelectorAll("[data-scale]").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.scale === state.scale)); });
    figureEl.querySelectorAll("[data-view]").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.view === state.view)); });
    figureEl.querySelector('[data-range="from"]').value = String(state.from);
    figureEl.querySelector('[data-range="to"]').value = String(state.to);
    showYears(figureEl, state, isWhole(state, defaults));
    var years = isWhole(state, defaults) ? {} : { from: state.from, to: state.to };
    figureEl.querySelectorAll("[data-download]").forEach(function (a) { a.href = withParams(a.dataset.download, years); });
    var mine = changed(container, state, defaults);
    figureEl.querySelectorAll("[data-embed-link]").forEach(function (a) { a.href = withParams(a.dataset.embedLink, mine); });
    var snippet = figureEl.querySelector("textarea[data-embed]");
    if (snippet) {
      snippet.value = snippet.value.replace(/src="[^"]*"/, 'src="' + withParams(snippet.dataset.embed, mine) + '"');
    }
  }

  function showYears(figureEl, state, whole) {
    // The table holds every record; the years shown decide which rows, and the sentences
    // say so in the server's words (reader/charts.py ShownChart.range_summary).
    var rows = [];
    figureEl.querySelectorAll(".chart-table tbody tr").forEach(function (row) {
      var year = parseInt(row.dataset.year, 10), keep = year >= state.from && year <= state.to;
      row.hidden = !keep;
      if (keep) { rows.push(row); }
    });
    var years = state.from + " to " + state.to;
    var count = figureEl.querySelector("[data-record-count]");
    if (count) { count.textContent = rows.length + " record" + (rows.length === 1 ? "" : "s"); }
    var label = figureEl.querySelector("[data-range-label]");
    if (label) { label.textContent = whole ? "" : ", " + years; }
    var sentence = figureEl.querySelector("[data-range-summary]");
    if (!sentence) { return; }
    function said(row) {  // "value (label, date)" from a row's cells: date, label, value
      var cells = row.children;
      return cells[2].textContent + " (" + cells[1].textContent + ", " + cells[0].textContent + ")";
    }
    if (whole) { sentence.textContent = ""; }
    else if (!rows.length) { sentence.textContent = "No record was set in " + years + ", the years shown."; }
    else if (rows.length === 1) { sentence.textContent = "In " + years + ", the years shown, one record: " + said(rows[0]) + "."; }
    else {
      // Rows run newest first.
      sentence.textContent = "In " + years + ", the years shown, " + rows.length + " records went from "
        + said(rows[rows.length - 1]) + " to " + said(rows[0]) + ".";
    }
  }

  function enableControls(container) {
    var controls = document.querySelector('[data-controls="' + container.id + '"]');
    if (!controls) { return; }
    var years = Array.prototype.map.call(controls.querySelectorAll('[data-range="from"] option'), function (o) { return parseInt(o.value, 10); });
    var defaults = { scale: controls.dataset.defaultScale || "linear", years: years };
    var state = readState(container, defaults);
    container.chartState = state;
    container.chartDefaults = defaults;
    function change(patch) {
      Object.keys(patch).forEach(function (k) { state[k] = patch[k]; });
      if (state.from > state.to) { state.to = state.from; }
      showState(container, state, defaults);
      writeState(container, state, defaults);
      // A first draw is already in this state; later changes relayout the drawn chart.
      var first = !container.drawing;
      activate(container).then(function () { if (!first && container.chartFigure) { relayout(container, state, defaults); } });
    }
    controls.querySelectorAll("[data-scale]").forEach(function (b) { b.addEventListener("click", function () { change({ scale: b.dataset.scale }); }); });
    controls.querySelectorAll("[data-view]").forEach(function (b) { b.addEventListener("click", function () { change({ view: b.dataset.view }); }); });
    controls.querySelectorAll("[data-range]").forEach(function (select) {
      select.addEventListener("change", function () {
        var patch = {}; patch[select.dataset.range] = parseInt(select.value, 10); change(patch);
      });
    });
    controls.querySelectorAll("[data-image]").forEach(function (b) {
      b.addEventListener("click", function () {
        activate(container, true).then(function () {
          window.Plotly.downloadImage(container, {
            format: b.dataset.image, filename: container.id.replace(/^chart-/, "claimwatch-"),
            width: container.clientWidth || 900, height: container.clientHeight || 420,
          });
        });
      });
    });
    controls.hidden = false;
  }

  function prepare(container) {
    if (container.prepared) { return; }
    container.prepared = true;
    enableControls(container);
    var figureEl = container.closest("figure") || container;
    var go = function () { activate(container); };
    ["pointerenter", "focusin", "touchstart"].forEach(function (name) {
      figureEl.addEventListener(name, go, { once: true, passive: true });
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-figure]").forEach(prepare);
  }

  window.ClaimwatchCharts = { applyScale: applyScale, format: FORMAT, activate: activate };
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  // Charts inside fragments swapped in by htmx.
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();

/* comity pages: search suggestions as you type, and plotly charts drawn from JSON in the page. */
"use strict";

(function () {
  // -- search suggestions --------------------------------------------------------------------------
  function setupSearch(input) {
    var list = input.parentNode.querySelector(".suggestions");
    if (!list) { return; }
    var timer = null, controller = null, active = -1;

    function clear() { list.innerHTML = ""; list.hidden = true; active = -1; }

    function show(items) {
      list.innerHTML = "";
      items.forEach(function (hit) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = hit.url;
        a.className = "suggestion";
        var name = document.createElement("span");
        name.textContent = hit.name;
        var meta = document.createElement("small");
        meta.textContent = " " + hit.id + " · " + hit.type + (hit.alias && hit.alias !== hit.name ? " · “" + hit.alias + "”" : "");
        a.appendChild(name); a.appendChild(meta); li.appendChild(a); list.appendChild(li);
      });
      list.hidden = items.length === 0;
      active = -1;
    }

    function lookup() {
      var q = input.value.trim();
      if (!q) { clear(); return; }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      fetch("/api/search?limit=8&q=" + encodeURIComponent(q), { signal: controller.signal })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) { if (input.value.trim() === q) { show(body.items || []); } })
        .catch(function () { /* a newer keystroke aborted this request */ });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 120); });
    input.addEventListener("keydown", function (event) {
      var links = list.querySelectorAll("a");
      if (!links.length) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + links.length) % links.length;
        links.forEach(function (l, i) { l.classList.toggle("active", i === active); });
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = links[active].href;
      } else if (event.key === "Escape") {
        clear();
      }
    });
    input.addEventListener("blur", function () { setTimeout(clear, 200); });
  }

  document.querySelectorAll("input[data-search]").forEach(setupSearch);

  // -- charts --------------------------------------------------------------------------------------
  if (typeof window.Plotly === "undefined") { return; }
  // Category10 without its cyan, so that no two of the first series look alike.
  var palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf"];
  // One colour per state on every page: a hue from a hash (FNV-1a) of its id, so that USA is drawn
  // alike on an actor page and in the votes explorer, whatever else is on the chart.
  // The states most often compared have fixed colours, far apart; the others a hue from the hash.
  var fixedColours = { USA: "#1f77b4", CHN: "#d62728", RUS: "#9467bd", GBR: "#2ca02c", FRA: "#ff7f0e",
                       IND: "#8c564b", BRA: "#e377c2", ZAF: "#b8a800", DEU: "#17becf", JPN: "#525252" };
  function stateColour(id) {
    if (fixedColours[id]) { return fixedColours[id]; }
    var h = 2166136261;
    for (var i = 0; i < id.length; i++) { h ^= id.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
    return "hsl(" + (h % 360) + ", 65%, " + (35 + (h >>> 9) % 15) + "%)";
  }
  window.comityStateColour = stateColour;
  var baseLayout = {
    margin: { l: 60, r: 20, t: 40, b: 40 },
    font: { family: "system-ui, sans-serif", size: 12 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    legend: { orientation: "h", y: -0.15 }
  };
  // On a phone plotly's tool bar stays shown (no hover) and covers the title: left out there.
  var config = { responsive: true, displaylogo: false, displayModeBar: window.innerWidth >= 600 ? "hover" : false };

  // Plotly does not wrap text: titles, legend names and notes wider than the chart are cut on a
  // phone. Break them at spaces into lines that fit the chart's width (about 0.56 em a character).
  function wrap(text, width, size) {
    var per = Math.max(14, Math.floor(width / (size * 0.56))), lines = [], line = "";
    String(text || "").split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > per) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function layout(el, spec, extra) {
    var width = el.clientWidth || 600;
    var title = wrap(spec.title, width - 20, 14);
    var out = Object.assign({}, baseLayout, { title: { text: title.join("<br>"), font: { size: 14 },
                                                      y: 1, yref: "container", yanchor: "top", pad: { t: 10 } } }, extra || {});
    var top = 20 + 18 * title.length;
    (out.annotations || []).forEach(function (note) {
      var lines = wrap(note.text, width - 20, 11);
      note.text = lines.join("<br>");
      top += 4 + 14 * lines.length;
    });
    out.margin = Object.assign({}, out.margin || baseLayout.margin, { t: Math.max(40, top) });
    return out;
  }

  // Long trace names (legend entries) wrap as titles do.
  function named(el, traces) {
    var width = (el.clientWidth || 600) - 40;
    traces.forEach(function (t) { if (t.name) { t.name = wrap(t.name, width, 12).join("<br>"); } });
    return traces;
  }

  function first(row, names) {
    for (var i = 0; i < names.length; i++) { if (row[names[i]] !== undefined) { return names[i]; } }
    return null;
  }

  var draw = {
    spells: function (el, spec) {
      var ids = [], x = [], y = [], text = [], openX = [], openY = [];
      spec.rows.forEach(function (r) {
        if (ids.indexOf(r.id) < 0) { ids.push(r.id); }
        x.push(r.start, r.end, null); y.push(r.id, r.id, null);
        var label = r.name + " (" + (r.kind || "member") + "): " + r.start + " – " + (r.open ? "today" : r.end);
        text.push(label, label, null);
        if (r.open) { openX.push(r.end); openY.push(r.id); }
      });
      var traces = [
        { type: "scatter", mode: "lines", x: x, y: y, text: text, hoverinfo: "text",
          line: { width: 9, color: palette[0] }, name: "membership", connectgaps: false },
        { type: "scatter", mode: "markers", x: openX, y: openY, hoverinfo: "skip", name: "continuing",
          marker: { symbol: "triangle-right", size: 10, color: palette[2] } }
      ];
      var height = Math.max(220, 60 + 20 * ids.length);
      Plotly.newPlot(el, named(el, traces), layout(el, spec, {
        height: height, showlegend: false, margin: { l: 60, r: 20, t: 40, b: 30 },
        xaxis: { type: "date" },
        yaxis: { type: "category", categoryorder: "array", categoryarray: ids.slice().reverse(), automargin: true }
      }), config);
    },
    lines: function (el, spec) {
      var traces = [];
      Object.keys(spec.series).forEach(function (name) {
        var s = spec.series[name], color = stateColour(name);
        if (spec.bands && s.se) {
          // The 95% band: one closed shape per run of years with values, so that a gap in the line
          // is a gap in the band too (a band filled "to next y" would bridge it).
          var bx = [], by = [], run = [];
          var close = function () {
            if (!run.length) { return; }
            run.forEach(function (j) { bx.push(s.x[j]); by.push(s.y[j] + 1.96 * (s.se[j] || 0)); });
            run.slice().reverse().forEach(function (j) { bx.push(s.x[j]); by.push(s.y[j] - 1.96 * (s.se[j] || 0)); });
            bx.push(null); by.push(null);
            run = [];
          };
          s.y.forEach(function (v, j) { if (v === null) { close(); } else { run.push(j); } });
          close();
          traces.push({ type: "scatter", mode: "lines", x: bx, y: by, line: { width: 0 }, fill: "toself",
                        fillcolor: "rgba(127,127,127,0.18)", hoverinfo: "skip", showlegend: false,
                        connectgaps: false });
        }
        // A year without a value (a suspension, before membership) is null in the data: a gap.
        traces.push({ type: "scatter", mode: "lines+markers", x: s.x, y: s.y, name: name, connectgaps: false,
                      line: { color: color, width: 2 }, marker: { size: 4 } });
      });
      Plotly.newPlot(el, named(el, traces), layout(el, spec, {
        height: 380, yaxis: { title: { text: spec.ytitle || "" }, range: spec.yrange || undefined },
        xaxis: { dtick: undefined }
      }), config);
    },
    heatmap: function (el, spec) {
      var n = spec.states.length;
      Plotly.newPlot(el, [{ type: "heatmap", x: spec.states, y: spec.states, z: spec.z, zmin: 0, zmax: 1,
                            colorscale: "RdBu", reversescale: true, hoverongaps: false }],
        layout(el, spec, { height: Math.max(320, 120 + 16 * n),
                       xaxis: { type: "category", tickangle: -60, automargin: true },
                       yaxis: { type: "category", autorange: "reversed", automargin: true } }), config);
    },
    cohesion: function (el, spec) {
      var rows = spec.rows;
      if (!rows.length) { return; }
      var yearKey = first(rows[0], ["year"]);
      var index = spec.index || "ai";
      var valueKey = index, loKey = index + "_random_lo", hiKey = index + "_random_hi", midKey = index + "_random_mean";
      var x = rows.map(function (r) { return r[yearKey]; });
      var traces = [];
      if (rows[0][loKey] !== undefined && rows[0][hiKey] !== undefined) {
        traces.push({ type: "scatter", mode: "lines", x: x, y: rows.map(function (r) { return r[hiKey]; }),
                      line: { width: 0 }, hoverinfo: "skip", showlegend: false });
        traces.push({ type: "scatter", mode: "lines", x: x, y: rows.map(function (r) { return r[loKey]; }),
                      line: { width: 0 }, fill: "tonexty", fillcolor: "rgba(127,127,127,0.25)",
                      name: "random groups of the same size (2.5–97.5 percentile)" });
      }
      if (rows[0][midKey] !== undefined) {
        traces.push({ type: "scatter", mode: "lines", x: x, y: rows.map(function (r) { return r[midKey]; }),
                      line: { color: "#7f8c8d", dash: "dot" }, name: "random groups (mean)" });
      }
      // Thin years (few roll calls) are hollow markers; years before the group existed, counted
      // with its founders projected back, are shaded: both are less evidence than the rest.
      traces.push({ type: "scatter", mode: "lines+markers", x: x, y: rows.map(function (r) { return r[valueKey]; }),
                    line: { color: palette[1], width: 2 },
                    marker: { size: rows.map(function (r) { return r.thin ? 8 : 4; }),
                              symbol: rows.map(function (r) { return r.thin ? "circle-open" : "circle"; }) },
                    text: rows.map(function (r) {
                      return (r.thin ? "thin year: " + r.n_votes + " roll calls" : "") +
                             (r.projected ? (r.thin ? "; " : "") + "projected: before the group existed" : "");
                    }),
                    name: "this group (hollow: thin year)" });
      var shapes = rows.filter(function (r) { return r.projected; }).map(function (r) {
        return { type: "rect", xref: "x", yref: "paper", x0: r[yearKey] - 0.5, x1: r[yearKey] + 0.5, y0: 0, y1: 1,
                 fillcolor: "rgba(241,196,15,0.15)", line: { width: 0 }, layer: "below" };
      });
      var annotations = shapes.length ? [{ xref: "paper", yref: "paper", x: 0, y: 1.02, xanchor: "left", yanchor: "bottom",
                                           showarrow: false, font: { size: 11 },
                                           text: "shaded: years before the group existed (founders projected back)" }] : [];
      Plotly.newPlot(el, named(el, traces), layout(el, spec, { height: 380, shapes: shapes, annotations: annotations,
                                                yaxis: { title: { text: index === "ai" ? "agreement index" : "Rice index" } } }), config);
    },
    blocs: function (el, spec) {
      var rows = spec.rows;
      if (!rows.length) { return; }
      var blocKey = first(rows[0], ["bloc", "community", "cluster"]);
      var sizes = {}, members = {};
      rows.forEach(function (r) {
        var b = String(r[blocKey]);
        sizes[b] = (sizes[b] || 0) + 1;
        (members[b] = members[b] || []).push(r.iso3);
      });
      var keys = Object.keys(sizes);
      Plotly.newPlot(el, [{ type: "bar", x: keys.map(function (k) { return "bloc " + k; }),
                            y: keys.map(function (k) { return sizes[k]; }),
                            text: keys.map(function (k) { return members[k].slice(0, 12).join(", ") + (members[k].length > 12 ? ", …" : ""); }),
                            hoverinfo: "text+y", marker: { color: keys.map(function (k, i) { return palette[i % palette.length]; }) } }],
        layout(el, spec, { height: 320, yaxis: { title: { text: "states" } } }), config);
    }
  };

  var drawn = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    if (draw[spec.kind]) { draw[spec.kind](el, spec); drawn.push({ el: el, spec: spec, width: el.clientWidth }); }
  });
  // A phone turned sideways (or a resized window): draw again, so that titles wrap to the new width.
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      drawn.forEach(function (c) {
        if (Math.abs(c.el.clientWidth - c.width) > 40) { c.width = c.el.clientWidth; draw[c.spec.kind](c.el, c.spec); }
      });
    }, 200);
  });
})();

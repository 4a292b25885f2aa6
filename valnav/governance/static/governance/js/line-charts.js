// Draws every [data-line-chart] element as a Plotly line chart from the JSON script its
// data-source names (no inline scripts: the CSP forbids them). The JSON carries: title,
// categories (dates), series ([{name, values, text}]; null: no point) and y_title. The table
// beside each chart holds the same figures.
(function () {
  "use strict";
  if (typeof Plotly === "undefined" || typeof valnavPlotly === "undefined") {
    return;
  }
  document.querySelectorAll("[data-line-chart]").forEach(function (element) {
    var source = document.getElementById(element.dataset.source);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var dashes = ["solid", "dash", "dot"];
    var traces = data.series.map(function (series, index) {
      return {
        type: "scatter",
        mode: "lines+markers",
        name: series.name,
        x: data.categories,
        y: series.values,
        text: series.text,
        line: { dash: dashes[index % dashes.length] },
        hovertemplate: "%{x}: %{text}<extra>" + series.name.replace(/</g, "&lt;") + "</extra>"
      };
    });
    var layout = {
      height: 360,
      margin: { l: 80, r: 10, t: 10, b: 60 },
      showlegend: traces.length > 1,
      legend: { orientation: "h", y: 1.12 },
      xaxis: { automargin: true, type: "date" },
      yaxis: valnavPlotly.numberAxis(
        { title: { text: data.y_title || "" }, rangemode: "tozero", automargin: true },
        [].concat.apply([], data.series.map(function (series) { return series.values; }))
      ),
      separators: valnavPlotly.separators,
      font: { family: "system-ui, sans-serif" }
    };
    var config = valnavPlotly.config({ responsive: true, displaylogo: false, displayModeBar: false });
    Plotly.newPlot(element, traces, layout, config).then(function () {
      element.dataset.ready = "true";
    });
  });
})();

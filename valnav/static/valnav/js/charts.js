// Draws every [data-bar-chart] element as a Plotly bar chart from the JSON script its
// data-source names (no inline scripts: the CSP forbids them). The JSON carries: title,
// categories, series ([{name, values, text}]; a null value is a suppressed figure, no bar)
// and y_title. The table beside each chart holds the same figures.
(function () {
  "use strict";
  if (typeof Plotly === "undefined" || typeof valnavPlotly === "undefined") {
    return;
  }
  document.querySelectorAll("[data-bar-chart]").forEach(function (element) {
    var source = document.getElementById(element.dataset.source);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var traces = data.series.map(function (series) {
      return {
        type: "bar",
        name: series.name,
        x: data.categories,
        y: series.values,
        text: series.text,
        hovertemplate: "%{x}: %{text}<extra>" + series.name.replace(/</g, "&lt;") + "</extra>",
        textposition: "none"
      };
    });
    var layout = {
      barmode: "group",
      height: 360,
      margin: { l: 60, r: 10, t: 10, b: 110 },
      showlegend: traces.length > 1,
      legend: { orientation: "h", y: 1.12 },
      xaxis: { automargin: true, tickangle: -35 },
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

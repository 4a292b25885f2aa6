// Draws the municipalities of ÖMS from the JSON the page carries. Plotly's MapLibre trace with the
// "white-bg" style needs no tiles, fonts or any other request outside this site.
(function () {
  "use strict";
  var element = document.getElementById("places-map");
  var source = document.getElementById("places-map-data");
  if (!element || !source || typeof Plotly === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#1b4f72", "#b9770e", "#1e8449", "#7d3c98", "#a93226"];
  var colorscale = data.county_names.map(function (_name, i) {
    var n = Math.max(data.county_names.length - 1, 1);
    return [i / n, palette[i % palette.length]];
  });
  var countyLabel = element.dataset.countyLabel;
  var trace = {
    type: "choroplethmap",
    geojson: data.geojson,
    featureidkey: "properties.code",
    locations: data.codes,
    z: data.county_index,
    text: data.names,
    customdata: data.county_index.map(function (i) { return data.county_names[i]; }),
    hovertemplate: "%{text}<br>" + countyLabel + ": %{customdata}<extra></extra>",
    colorscale: colorscale,
    zmin: 0,
    zmax: Math.max(data.county_names.length - 1, 1),
    showscale: false,
    marker: { line: { color: "#ffffff", width: 1 }, opacity: 0.85 }
  };
  var layout = {
    map: { style: "white-bg", center: data.center, zoom: 5.6 },
    margin: { l: 0, r: 0, t: 0, b: 0 },
    dragmode: false
  };
  Plotly.newPlot(element, [trace], layout, { responsive: true, displaylogo: false, displayModeBar: false, scrollZoom: false })
    .then(function () { element.dataset.ready = "true"; });
})();

// Draws every [data-choropleth] element from the JSON script its data-source names. Plotly's
// MapLibre trace with the "white-bg" style needs no tiles, fonts or requests off this site.
// The JSON carries: geojson, locations, z, text, hovertemplate, colorscale, zmin, zmax,
// center, zoom and optionally showscale and colorbar_title.
(function () {
  "use strict";
  if (typeof Plotly === "undefined" || typeof valnavPlotly === "undefined") {
    return;
  }
  document.querySelectorAll("[data-choropleth]").forEach(function (element) {
    var source = document.getElementById(element.dataset.source);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var trace = {
      type: "choroplethmap",
      geojson: data.geojson,
      featureidkey: "properties.code",
      locations: data.locations,
      z: data.z,
      text: data.text,
      customdata: data.customdata || null,
      hovertemplate: data.hovertemplate,
      colorscale: data.colorscale,
      zmin: data.zmin,
      zmax: data.zmax,
      showscale: Boolean(data.showscale),
      colorbar: data.colorbar_title ? { title: { text: data.colorbar_title } } : undefined,
      marker: { line: { color: data.line_color || "#ffffff", width: 1 }, opacity: 0.9 }
    };
    var layout = {
      map: { style: "white-bg", center: data.center, zoom: data.zoom || 5.6 },
      margin: { l: 0, r: 0, t: 0, b: 0 },
      separators: valnavPlotly.separators,
      dragmode: false
    };
    var config = valnavPlotly.config(
      { responsive: true, displaylogo: false, displayModeBar: false, scrollZoom: false }
    );
    Plotly.newPlot(element, [trace], layout, config).then(function () {
      element.dataset.ready = "true";
    });
  });
})();

// Draws every [data-choropleth] element from the JSON script its data-source names. Plotly's
// MapLibre trace with the "white-bg" style needs no tiles, fonts or requests off this site.
// The JSON (places.selectors.MapData) carries: geojson, locations, z (each location's index in
// categories), text, customdata, hovertemplate and categories ({label, fill, outline,
// outline_width, count}). The legend is the page's own HTML (places/map_legend.html), not
// Plotly's colour bar, so it reads in whole categories and takes no width from the map.
(function () {
  "use strict";
  if (typeof Plotly === "undefined" || typeof valnavPlotly === "undefined") {
    return;
  }

  // One flat colour per category: z = i falls in [i - 0.5, i + 0.5], drawn in its fill.
  function stepColourscale(categories) {
    var count = Math.max(categories.length, 1);
    var scale = [];
    categories.forEach(function (category, index) {
      scale.push([index / count, category.fill]);
      scale.push([(index + 1) / count, category.fill]);
    });
    return scale;
  }

  // The bounding box of every boundary drawn, in degrees.
  function boundingBox(geojson) {
    var box = { west: 180, east: -180, south: 90, north: -90 };
    function visit(coordinates) {
      if (typeof coordinates[0] === "number") {
        box.west = Math.min(box.west, coordinates[0]);
        box.east = Math.max(box.east, coordinates[0]);
        box.south = Math.min(box.south, coordinates[1]);
        box.north = Math.max(box.north, coordinates[1]);
      } else {
        coordinates.forEach(visit);
      }
    }
    geojson.features.forEach(function (feature) {
      if (feature.geometry) {
        visit(feature.geometry.coordinates);
      }
    });
    return box.west <= box.east ? box : null;
  }

  // The centre and zoom that fit `box` into a width × height map with `padding` pixels on each
  // side. Plotly's own fitbounds leaves choropleth maps out, so it is done here: MapLibre's
  // Web Mercator shows the world 512 px wide at zoom 0, twice as wide at each step.
  function fitView(box, width, height, padding) {
    function mercator(lat) {
      return Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
    }
    var top = mercator(box.north);
    var bottom = mercator(box.south);
    var across = Math.max(box.east - box.west, 1e-6) / 360;
    var down = Math.max(top - bottom, 1e-6) / (2 * Math.PI);
    var zoom = Math.min(
      Math.log2(Math.max(width - 2 * padding, 1) / (512 * across)),
      Math.log2(Math.max(height - 2 * padding, 1) / (512 * down))
    );
    var middle = (top + bottom) / 2;
    return {
      center: {
        lon: (box.west + box.east) / 2,
        lat: (Math.atan(Math.sinh(middle)) * 180) / Math.PI
      },
      zoom: zoom
    };
  }

  document.querySelectorAll("[data-choropleth]").forEach(function (element) {
    var source = document.getElementById(element.dataset.source);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var categories = data.categories;
    var trace = {
      type: "choroplethmap",
      geojson: data.geojson,
      featureidkey: "properties.code",
      locations: data.locations,
      z: data.z,
      text: data.text,
      customdata: data.customdata || null,
      hovertemplate: data.hovertemplate,
      colorscale: stepColourscale(categories),
      zmin: -0.5,
      zmax: categories.length - 0.5,
      showscale: false,
      marker: {
        line: {
          color: data.z.map(function (index) { return categories[index].outline; }),
          width: data.z.map(function (index) { return categories[index].outline_width; })
        },
        opacity: 1
      }
    };
    // Fitted to the area drawn, the county or the region shown, at whatever size the page
    // gives the map, and fitted again whenever that size changes (a phone turned, a zoom).
    var box = boundingBox(data.geojson);
    var padding = 12;
    var view = box
      ? fitView(box, element.clientWidth, element.clientHeight, padding)
      : { center: { lon: 16.0, lat: 59.3 }, zoom: 5.6 };
    var layout = {
      map: { style: "white-bg", center: view.center, zoom: view.zoom },
      margin: { l: 0, r: 0, t: 0, b: 0 },
      separators: valnavPlotly.separators,
      dragmode: false,
      showlegend: false
    };
    var config = valnavPlotly.config(
      { responsive: true, displaylogo: false, displayModeBar: false, scrollZoom: false }
    );
    var size = element.clientWidth + "x" + element.clientHeight;
    Plotly.newPlot(element, [trace], layout, config).then(function () {
      element.dataset.ready = "true";
      if (!box || typeof ResizeObserver === "undefined") {
        return;
      }
      new ResizeObserver(function () {
        var now = element.clientWidth + "x" + element.clientHeight;
        if (now === size || element.clientWidth === 0) {
          return;
        }
        size = now;
        var refit = fitView(box, element.clientWidth, element.clientHeight, padding);
        Plotly.relayout(element, { "map.center": refit.center, "map.zoom": refit.zoom });
      }).observe(element);
    });
  });
})();

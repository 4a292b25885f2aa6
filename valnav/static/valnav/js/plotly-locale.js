// Plotly in the page's language: registers a Swedish locale (month and day names, decimal
// comma, a non-breaking space between thousands) and gives every chart script the settings
// for the page, so that axes read "okt. 2023" and "14 000 000" on a Swedish page and
// "Oct 2023" and "14,000,000" on an English one. Loaded after plotly.min.js and before the
// chart scripts; written here rather than fetched, as nothing comes from a CDN.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") {
    return;
  }
  var NBSP = "\u00a0";
  Plotly.register({
    moduleType: "locale",
    name: "sv",
    dictionary: {
      Autoscale: "Autoskala",
      "Download plot": "Ladda ned diagrammet",
      "Reset axes": "Återställ axlarna",
      "Zoom in": "Zooma in",
      "Zoom out": "Zooma ut"
    },
    format: {
      days: ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
      shortDays: ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
      months: [
        "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober", "november", "december"
      ],
      shortMonths: [
        "jan.", "feb.", "mars", "apr.", "maj", "juni",
        "juli", "aug.", "sep.", "okt.", "nov.", "dec."
      ],
      date: "%Y-%m-%d",
      decimal: ",",
      thousands: NBSP
    }
  });

  var swedish = (document.documentElement.lang || "sv").slice(0, 2) === "sv";

  // Numbers in full (no "14M"), grouped from five digits on as the pages group them; whole
  // ticks where the figures are counts, so that a handful of documents is not drawn on an
  // axis in steps of 0.2.
  function numberAxis(axis, values) {
    axis.exponentformat = "none";
    var finite = (values || []).filter(function (value) {
      return typeof value === "number" && isFinite(value);
    });
    var counts = finite.length > 0 && finite.every(function (value) {
      return Math.round(value) === value;
    });
    if (counts && Math.max.apply(null, finite.concat([0])) < 5) {
      axis.dtick = 1;
    }
    return axis;
  }

  window.valnavPlotly = {
    // Plotly's "separators": the decimal mark, then the thousands separator.
    separators: swedish ? "," + NBSP : ".,",
    config: function (config) {
      config.locale = swedish ? "sv" : "en";
      return config;
    },
    numberAxis: numberAxis
  };
})();

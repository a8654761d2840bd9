// Draws every chart on the page from its JSON (rendered by json_script), under a strict CSP:
// no inline scripts, so the figure data lives in <script type="application/json"> blocks.
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.dataset.figure);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(container, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    }).then(function () {
      container.classList.add("chart-drawn");
      container.setAttribute("data-drawn", "true");
    });
    // Claim markers carry their page's URL: a click opens the claim.
    container.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      if (point && typeof point.customdata === "string" && point.customdata.charAt(0) === "/") {
        window.location.assign(point.customdata);
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-figure]:not(.chart-drawn)").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  // Charts inside fragments swapped in by htmx.
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();

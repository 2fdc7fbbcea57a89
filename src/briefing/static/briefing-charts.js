// Render every chart on the page with the vega-embed bundle that the book serves itself (no CDN).
(function () {
  "use strict";
  function render() {
    var els = document.querySelectorAll(".briefing-chart__vis[data-spec-id]");
    els.forEach(function (el) {
      var specEl = document.getElementById(el.getAttribute("data-spec-id"));
      if (!specEl || el.getAttribute("data-rendered")) return;
      var spec = JSON.parse(specEl.textContent);
      window.vegaEmbed(el, spec, { renderer: "svg", actions: false }).then(function () {
        el.setAttribute("data-rendered", "true");
        var svg = el.querySelector("svg");
        if (svg) {
          // The figure's role="img" and aria-label speak for the chart; hide the SVG's own text from readers.
          svg.setAttribute("aria-hidden", "true");
          svg.removeAttribute("role");
          svg.removeAttribute("aria-roledescription");
        }
      }).catch(function (err) {
        el.setAttribute("data-rendered", "error");
        console.error("chart " + el.id + " failed: " + err);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();

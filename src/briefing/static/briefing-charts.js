// Render every chart on the page with the vega-embed bundle that the book serves itself (no CDN).
(function () {
  "use strict";
  function render() {
    var els = document.querySelectorAll(".briefing-chart__vis[data-spec-id]");
    els.forEach(function (el) {
      var specEl = document.getElementById(el.getAttribute("data-spec-id"));
      if (!specEl || el.getAttribute("data-rendered")) return;
      var spec = JSON.parse(specEl.textContent);
      var role = el.getAttribute("role"), label = el.getAttribute("aria-label");
      window.vegaEmbed(el, spec, { renderer: "svg", actions: false }).then(function () {
        // vega-embed relabels its container (role="graphics-document", aria-label="Vega visualization"):
        // put back the figure's own text alternative.
        if (role) el.setAttribute("role", role);
        if (label) el.setAttribute("aria-label", label);
        el.removeAttribute("aria-roledescription");
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

// Charts arrive as inline SVG (drawn offline when the notebook ran), so they show at first paint, without
// JavaScript and in print. This script upgrades a chart to the interactive one (tooltips) with the vega-embed
// bundle that the book serves itself (no CDN), and loads that bundle only when a chart comes into view or is
// hovered, focused or touched: a reader who never reaches a chart never pays for it.
(function () {
  "use strict";
  var script = document.currentScript;
  // The bundle sits beside this script in _static/, wherever the site is served from (root or a sub-path).
  var bundleUrl = script && script.src ? script.src.replace(/briefing-charts\.js(\?.*)?$/, script.getAttribute("data-bundle")) : null;
  var loading = null;

  function loadBundle() {
    if (window.vegaEmbed) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = bundleUrl;
        s.async = true;
        s.onload = function () { resolve(); };
        s.onerror = function () { reject(new Error("could not load " + bundleUrl)); };
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  function upgrade(el) {
    if (el.getAttribute("data-rendered")) return;
    el.setAttribute("data-rendered", "loading");
    var specEl = document.getElementById(el.getAttribute("data-spec-id"));
    if (!specEl || !bundleUrl) { el.setAttribute("data-rendered", "static"); return; }
    var spec = JSON.parse(specEl.textContent);
    // On a phone the narrow drawing shows (the stylesheet's choice): the live chart takes the same narrow layout.
    var narrowEl = el.querySelector(".briefing-chart__narrow");
    var narrowSpec = document.getElementById(el.getAttribute("data-narrow-id"));
    if (narrowEl && narrowSpec && narrowEl.offsetParent !== null) {
      var over = JSON.parse(narrowSpec.textContent);
      Object.keys(over).forEach(function (k) { spec[k] = over[k]; });
    }
    var role = el.getAttribute("role"), label = el.getAttribute("aria-label");
    loadBundle().then(function () {
      var target = document.createElement("div");
      target.className = "briefing-chart__live";
      return window.vegaEmbed(target, spec, { renderer: "svg", actions: false }).then(function () {
        // Swap the static drawing for the live one only once the live one exists: no blank moment.
        el.replaceChildren(target);
        // vega-embed relabels its container: keep the figure's own role and text alternative.
        if (role) el.setAttribute("role", role);
        if (label) el.setAttribute("aria-label", label);
        el.removeAttribute("aria-roledescription");
        target.removeAttribute("role");
        target.removeAttribute("aria-label");
        target.removeAttribute("aria-roledescription");
        var svg = target.querySelector("svg");
        if (svg) {
          // The figure's role="img" and aria-label speak for the chart; hide the SVG's own text from readers.
          svg.setAttribute("aria-hidden", "true");
          svg.removeAttribute("role");
          svg.removeAttribute("aria-roledescription");
        }
        el.setAttribute("data-rendered", "true");
      });
    }).catch(function (err) {
      // The inline SVG stays: the reader still sees the chart, only without tooltips.
      el.setAttribute("data-rendered", "error");
      console.error("chart " + el.id + " was not upgraded: " + err);
    });
  }

  function start() {
    var els = Array.prototype.slice.call(document.querySelectorAll(".briefing-chart__vis[data-spec-id]"));
    if (!els.length) return;
    var onIntent = function (ev) { upgrade(ev.currentTarget); };
    els.forEach(function (el) {
      ["pointerenter", "focusin", "touchstart"].forEach(function (type) {
        el.addEventListener(type, onIntent, { once: true, passive: true });
      });
    });
    if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) { io.unobserve(entry.target); upgrade(entry.target); }
        });
      }, { rootMargin: "200px 0px" });
      els.forEach(function (el) { io.observe(el); });
    } else {
      els.forEach(upgrade);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

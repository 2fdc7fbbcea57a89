// A figure the build left without an inline SVG is drawn by the book's own vega bundle (as SVG: still vectors).
(function () {
  var els = [...document.querySelectorAll('.briefing-chart__vis[data-spec-id]')].filter(el => !el.querySelector('svg'));
  window.__chartsPending = els.length;
  if (!els.length || !window.vegaEmbed) { window.__chartsPending = 0; return; }
  els.forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.getAttribute('data-spec-id')).textContent);
    window.vegaEmbed(el, spec, {renderer: 'svg', actions: false})
      .catch(function (e) { console.error('chart ' + el.id + ': ' + e); })
      .finally(function () { window.__chartsPending -= 1; });
  });
})();

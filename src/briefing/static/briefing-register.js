// Search, filter and sort the claims register table. Plain JavaScript, no network; without it the table is static.
(function () {
  "use strict";
  function setup(root) {
    var controls = root.querySelector(".briefing-register-controls");
    var tbody = root.querySelector("tbody");
    var rows = Array.prototype.slice.call(tbody.rows);
    var count = root.querySelector(".briefing-register-count");
    controls.hidden = false;
    function apply() {
      var text = controls.querySelector('[data-filter="text"]').value.trim().toLowerCase();
      var want = {};
      controls.querySelectorAll("select").forEach(function (s) { want[s.getAttribute("data-filter")] = s.value; });
      var shown = 0;
      rows.forEach(function (tr) {
        var ok = (!want.section || tr.dataset.section === want.section) &&
                 (!want.type || tr.dataset.type === want.type) &&
                 (!want.verdict || tr.dataset.verdict === want.verdict) &&
                 (!text || tr.textContent.toLowerCase().indexOf(text) !== -1);
        tr.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " claims";
    }
    controls.addEventListener("input", apply);
    controls.addEventListener("change", apply);
    root.querySelectorAll("th button[data-sort]").forEach(function (button) {
      var asc = true;
      button.addEventListener("click", function () {
        var i = Number(button.getAttribute("data-sort"));
        rows.sort(function (a, b) {
          var x = a.cells[i].textContent, y = b.cells[i].textContent;
          return asc ? x.localeCompare(y) : y.localeCompare(x);
        });
        asc = !asc;
        rows.forEach(function (tr) { tbody.appendChild(tr); });
      });
    });
    apply();
  }
  function init() { document.querySelectorAll(".briefing-register").forEach(setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();

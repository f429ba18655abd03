"""The page shell of report.html: inline CSS and a little vanilla JS for the filters.

Kept apart from report.py so the Python stays readable. `{{...}}` slots are filled by report.py
with escaped text. The script reads presets from the URL hash (`#status=fail,warn&monitor=m&tier=x
&tag=t&q=text`), hides what does not match, and sets `<body data-ready="1">` when it has run, which
the headless-browser test checks.
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
  :root { --pass:#2e7d32; --warn:#ef8f00; --fail:#c62828; --error:#6a1b9a; --skipped:#9e9e9e; --line:#e3e6ea; }
  * { box-sizing: border-box; }
  body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Helvetica, Arial, sans-serif;
         margin: 0; color: #1d2733; background: #f6f7f9; }
  header { background: #1d2733; color: #fff; padding: 14px 24px; }
  header h1 { font-size: 18px; margin: 0 0 4px; }
  header .sub { color: #c5ced8; font-size: 13px; }
  main { padding: 8px 24px 40px; max-width: 1200px; }
  .filters { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line);
             padding: 10px 24px; display: flex; flex-wrap: wrap; gap: 14px; align-items: center; }
  .filters label { white-space: nowrap; }
  .filters select, .filters input[type=search] { font: inherit; padding: 2px 6px; }
  #shown { color: #5b6773; margin-left: auto; }
  section.monitor { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 16px 0; padding: 4px 16px 10px; }
  section.monitor h2 { font-size: 16px; margin: 10px 0 8px; }
  details.test { border-top: 1px solid var(--line); padding: 6px 0; }
  details.test > summary { cursor: pointer; display: grid; align-items: center; gap: 10px;
                           grid-template-columns: 70px minmax(220px, 2fr) 110px 90px minmax(140px, 1.3fr) 50px; }
  details.test > summary::-webkit-details-marker { display: none; }
  summary code { font-size: 13px; overflow-wrap: anywhere; }
  .type { color: #5b6773; font-size: 12px; }
  .metric { font-variant-numeric: tabular-nums; text-align: right; }
  .thr { color: #5b6773; font-size: 12px; }
  .charts-flag { color: #1e63b8; font-size: 11px; }
  .msg { margin: 6px 0 2px 80px; }
  .where { margin: 0 0 6px 80px; color: #8a949e; font-size: 12px; }
  figure { display: inline-block; margin: 6px 12px 6px 80px; vertical-align: top; }
  figcaption { font-size: 12px; color: #5b6773; }
  .badge { display: inline-block; min-width: 56px; text-align: center; border-radius: 10px; padding: 1px 8px;
           font-size: 12px; font-weight: 600; color: #fff; }
  h2 .badge, header .badge { min-width: 0; margin-left: 4px; font-weight: 500; }
  .badge.pass { background: var(--pass); } .badge.warn { background: var(--warn); } .badge.fail { background: var(--fail); }
  .badge.error { background: var(--error); } .badge.skipped { background: var(--skipped); }
  .note { color: #8a4b00; }
  svg.chart { background: #fff; border: 1px solid var(--line); border-radius: 4px; max-width: 100%; height: auto; }
  svg .grid { stroke: #eef0f2; } svg .axis { stroke: #9aa5b1; }
  svg .tick, svg .legend { font-size: 10px; fill: #5b6773; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<header><h1>sqlmon report</h1><div class="sub">{{heading}} {{totals}}</div></header>
<div class="filters" id="filters">
  <span>status:</span>
  <label><input type="checkbox" name="status" value="error" checked> error</label>
  <label><input type="checkbox" name="status" value="fail" checked> fail</label>
  <label><input type="checkbox" name="status" value="warn" checked> warn</label>
  <label><input type="checkbox" name="status" value="skipped" checked> skipped</label>
  <label><input type="checkbox" name="status" value="pass" checked> pass</label>
  <label>monitor <select id="f-monitor"><option value="">all</option>{{monitor_options}}</select></label>
  <label>tier <select id="f-tier"><option value="">all</option>{{tier_options}}</select></label>
  <label>tag <select id="f-tag"><option value="">all</option>{{tag_options}}</select></label>
  <input type="search" id="f-text" placeholder="filter tests…">
  <button type="button" id="f-open">expand all</button>
  <span id="shown"></span>
</div>
<main>
{{note}}
{{sections}}
</main>
<script>
(function () {
  "use strict";
  var tests = Array.prototype.slice.call(document.querySelectorAll("details.test"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.monitor"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=status]"));
  var monitor = document.getElementById("f-monitor");
  var tag = document.getElementById("f-tag");
  var tier = document.getElementById("f-tier");
  var text = document.getElementById("f-text");

  function preset() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    if (params.has("status")) {
      var wanted = params.get("status").split(",");
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    }
    if (params.has("monitor")) { monitor.value = params.get("monitor"); }
    if (params.has("tag")) { tag.value = params.get("tag"); }
    if (params.has("tier")) { tier.value = params.get("tier"); }
    if (params.has("q")) { text.value = params.get("q"); }
  }

  function apply() {
    var statuses = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var q = text.value.trim().toLowerCase();
    var shown = 0;
    tests.forEach(function (t) {
      var tags = (t.getAttribute("data-tags") || "").split(" ");
      var ok = statuses.indexOf(t.getAttribute("data-status")) >= 0 &&
               (!monitor.value || t.getAttribute("data-monitor") === monitor.value) &&
               (!tag.value || tags.indexOf(tag.value) >= 0) &&
               (!tier.value || t.getAttribute("data-tier") === tier.value) &&
               (!q || t.getAttribute("data-id").toLowerCase().indexOf(q) >= 0);
      t.hidden = !ok;
      if (ok) { shown += 1; }
    });
    sections.forEach(function (s) { s.hidden = !s.querySelector("details.test:not([hidden])"); });
    document.getElementById("shown").textContent = shown + " of " + tests.length + " tests shown";
  }

  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  [monitor, tier, tag].forEach(function (el) { el.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  document.getElementById("f-open").addEventListener("click", function (ev) {
    var open = ev.target.textContent === "expand all";
    tests.forEach(function (t) { t.open = open; });
    ev.target.textContent = open ? "collapse all" : "expand all";
  });
  window.addEventListener("hashchange", function () { preset(); apply(); });
  preset();
  apply();
  document.body.setAttribute("data-ready", "1");
})();
</script>
</body>
</html>
"""

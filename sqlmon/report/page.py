"""The page shell of report.html: inline CSS and a little vanilla JS for the filters.

Kept apart from html.py so the Python stays readable. `{{...}}` slots are filled by report.py
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
  main { padding: 8px 24px 40px; max-width: 1560px; }
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
  .body { margin-left: 80px; }
  .msg { margin: 6px 0 2px; }
  .where { margin: 0 0 6px; color: #8a949e; font-size: 12px; }
  /* each chart beside the panel that explains it; one column on narrow screens */
  .pair { display: grid; grid-template-columns: minmax(0, 2.4fr) minmax(260px, 1fr); gap: 16px;
          align-items: start; margin: 8px 0 14px; }
  figure { margin: 0; min-width: 0; }
  figcaption { font-size: 12px; color: #5b6773; margin-bottom: 2px; }
  .side { font-size: 13px; min-width: 0; }
  table.facts { border-collapse: collapse; width: 100%; margin: 0 0 10px; font-variant-numeric: tabular-nums; }
  table.facts th { text-align: left; font-weight: 600; font-size: 12px; color: #5b6773;
                   border-bottom: 1px solid var(--line); padding: 3px 6px; }
  table.facts td { border-bottom: 1px solid #f0f2f4; padding: 3px 6px; vertical-align: top; }
  table.facts td + td, table.facts th + th { text-align: right; }
  table.segments tr.overall td { background: #f3f6f9; }
  table.segments tr.worst td:first-child { font-weight: 600; }
  table.segments .badge { min-width: 44px; }
  table.gates td:nth-child(3) { white-space: nowrap; }
  tr.verdict td { border-bottom: 0; padding-top: 6px; }
  tr.verdict.hit strong, .hit { color: var(--fail); }
  .miss { color: #5b6773; }
  ul.windows { list-style: none; padding: 0; margin: 0 0 10px; font-size: 12px; color: #3b4754; }
  ul.windows .k { display: inline-block; min-width: 70px; color: #5b6773; }
  .small { font-size: 12px; color: #5b6773; margin: 0 0 8px; }
  @media (max-width: 1000px) {
    .body { margin-left: 0; }
    .pair { grid-template-columns: minmax(0, 1fr); }
    .side { max-width: 600px; }
    details.test > summary { grid-template-columns: 64px minmax(0, 1fr) 90px 70px; }
    details.test > summary .thr, details.test > summary .charts-flag { display: none; }
  }
  .badge { display: inline-block; min-width: 56px; text-align: center; border-radius: 10px; padding: 1px 8px;
           font-size: 12px; font-weight: 600; color: #fff; }
  h2 .badge, header .badge { min-width: 0; margin-left: 4px; font-weight: 500; }
  .badge.pass { background: var(--pass); } .badge.warn { background: var(--warn); } .badge.fail { background: var(--fail); }
  .badge.error { background: var(--error); } .badge.skipped { background: var(--skipped); }
  .note { color: #8a4b00; }
  svg.chart { display: block; width: 100%; height: auto; background: #fff; border: 1px solid var(--line);
              border-radius: 4px; }
  svg .grid { stroke: #eef0f2; } svg .axis { stroke: #9aa5b1; }
  svg .tick, svg .legend { font-size: 12px; fill: #4a5663; font-family: "DejaVu Sans", sans-serif; }
  svg .run-label { fill: #1d2733; font-weight: 600; }
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

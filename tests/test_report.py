"""report.html: self-contained, escaped, charts drawn from results and history; a report that
explains (the run marked and nothing after it, anomaly bands, drift counts and p-values with rounded
bin labels, a per-segment table and the worst segments as lines, charts as wide as their place);
and rendered in headless Chromium (no console errors, labels inside their charts, the layout at
1400 and 800 px, screenshots)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from sqlmon.history import SeriesPoint
from sqlmon.numbers import bin_labels
from sqlmon.report.charts import BandPoint, HistoryPoint, Line, histogram_svg, history_svg
from sqlmon.report.gather import ReportHistory
from sqlmon.report.html import render

MON = """
version: 1
monitors:
  - name: scores
    relation: main.scores
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 7 days}
    model: {task: binary_classification, score: score, label: label}
    tags: [tier1]
    tests:
      - row_count
      - anomaly: {of: row_count, min_history: 3}
      - accuracy: {segments: [plan], min_segment_rows: 10, warn_if: "< 0.55"}
    columns:
      - name: plan
        tests: [{drift: {tags: [drift]}}]
      - name: x
        tests: [drift, {not_null: {warn_if: "> 1%"}}]
"""
RUN_DAY = "2024-01-21"          # the reported run; the history goes on to 01-25


def scores_table(proj) -> None:
    """25 days x ~120 rows; day 19 (seen by the run as of 01-20 .. 01-21) shifts `plan` and `x`,
    so drift fails there, and labels agree less with scores."""
    proj.sql("""
        CREATE OR REPLACE TABLE scores AS
        SELECT TIMESTAMP '2024-01-01' + INTERVAL (d) DAY + INTERVAL (i * 600) SECOND AS ts,
               CASE WHEN d = 19 AND i % 2 = 0 THEN 'enterprise'
                    ELSE (['basic', 'pro', 'pro', 'basic', 'enterprise'])[1 + (hash(d * 1000 + i) % 5)::INT] END AS plan,
               CASE WHEN i % 40 = 0 THEN NULL
                    ELSE ((hash(d * 7 + i) % 1000)::DOUBLE / 10) + CASE WHEN d = 19 THEN 40 ELSE 0 END END AS x,
               (hash(d * 13 + i) % 100)::DOUBLE / 100 AS score,
               (hash(d * 17 + i) % 100) < 40 + CASE WHEN d = 19 THEN 30 ELSE 0 END AS label
        FROM range(0, 25) t(d), range(0, 120) q(i)
        WHERE i < 110 + (hash(d) % 10)::INT""")


def add_segment_rows(root) -> None:
    """What the history holds once segmented results are stored per segment: beside each recorded
    `accuracy` row (segment NULL), one row per segment with that segment's value and status."""
    from sqlmon.history import open_history
    from sqlmon.history.tables import TABLES
    from sqlmon.runner import load

    project, _ = load(str(root))
    history = open_history(project)
    try:
        cols = [c for c, _ in TABLES["results"]]
        stored = history.store.read("SELECT * FROM {s}results WHERE unique_id = 'scores._.accuracy' AND segment IS NULL")
        rows = []
        for row in stored:
            base = dict(zip(cols, row))
            day = base["as_of"].day
            for n, plan in enumerate(("basic", "enterprise", "pro")):
                metric = 0.45 + 0.05 * n + 0.01 * (day % 3)
                rows.append(tuple({**base, "segment": json.dumps({"plan": plan}, sort_keys=True), "metric": metric,
                                   "status": "warn" if metric < 0.55 else "pass"}[c] for c in cols))
        history.store.write_run({"results": rows})
    finally:
        history.close()


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    from conftest import Proj
    root = tmp_path_factory.mktemp("report") / "proj"
    root.mkdir()
    (root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\n")
    (root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n")
    proj = Proj(root)
    scores_table(proj)
    proj.monitors(MON)
    for day in range(12, 26):             # history past the reported day too (a backfill ran on)
        proj.api(as_of=f"2024-01-{day:02d}", write_artifacts=False)
    add_segment_rows(root)
    res = proj.cli("run", "--as-of", RUN_DAY, "--report")      # sees day 19 (01-20): the shift
    assert res.exit_code == 1 and "Report:" in res.output, res.output
    return proj


def by_test(html: str) -> dict[str, str]:
    """unique_id -> the HTML of that test's <details>."""
    parts = re.split(r'(?=<details class="test")', html)
    return {re.search(r'data-id="([^"]+)"', p).group(1): p for p in parts if p.startswith("<details")}


def test_report_is_self_contained_and_has_the_charts(reported):
    html = (reported.root / "target" / "report.html").read_text()
    assert html.count('class="chart histogram"') == 2           # plan and x drift overlays
    assert html.count('class="chart history"') >= 5            # metric history per test
    assert 'class="threshold warn"' in html                    # not_null's warn_if line
    for needle in ('name="status"', 'id="f-monitor"', 'id="f-tag"', '<option value="drift">drift</option>'):
        assert needle in html
    # nothing is fetched: no external script/style/image, no URL except the SVG namespace
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", html)
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= {"http://www.w3.org/2000/svg"}
    # `sqlmon report` re-renders the same run from target/
    res = reported.cli("report", "-o", str(reported.root / "again.html"))
    assert res.exit_code == 0 and (reported.root / "again.html").read_text().count('class="chart histogram"') == 2


def _drawn_days(chart: str) -> set[str]:
    """The days of the points and x-axis labels a history chart draws."""
    return set(re.findall(r"(\d{4}-\d{2}-\d{2})(?: \d{2}:\d{2} UTC:|</text>)", chart))


@pytest.mark.parametrize("page", ["target/report.html", "again.html"])
def test_the_run_is_marked_and_nothing_after_it_is_drawn(reported, page):
    if page == "again.html":        # `sqlmon report` re-renders the last run: the same rule
        assert reported.cli("report", "-o", str(reported.root / page)).exit_code == 0
    html = (reported.root / page).read_text()
    charts = re.findall(r'<svg class="chart history".*?</svg>', html)
    assert len(charts) >= 5
    for chart in charts:
        days = _drawn_days(chart)
        assert days and max(days) == RUN_DAY, sorted(days)         # history up to the run, not 01-22 .. 01-25
        assert chart.count('class="run-marker"') == 1 and chart.count('class="current"') == 1
        assert "this run: as of 2024-01-21 00:00 UTC" in chart
    assert "as of 2024-01-21 00:00 UTC" in html


def test_anomaly_charts_draw_the_expected_band(reported):
    html = (reported.root / "target" / "report.html").read_text()
    data = json.loads((reported.root / "target" / "run_results.json").read_text())
    anomaly = next(r for r in data["results"] if r["test_type"] == "anomaly")
    chart = by_test(html)["scores._.anomaly"]
    assert "scores._.row_count history, expected band shaded" in chart
    assert chart.count('class="band band-pass"') >= 1 and chart.count('class="band band-warn"') >= 1
    assert 'class="median"' in chart and "expected: pass" in chart and "median" in chart
    # each past run's band is the one that run's anomaly test recorded; this run's is its result's
    low, high = anomaly["details"]["expected"]["warn"]
    from sqlmon.numbers import value
    assert f"expected {value(low)} to {value(high)}, median {value(anomaly['details']['median'])}" in chart
    band = re.search(r'<polygon class="band band-pass" points="([^"]+)"', chart).group(1).split()
    assert len(band) >= 2 * 6                          # one upper and one lower vertex per run (≥ 6 runs)
    # the panel beside it says what the band is
    assert "passes within" in chart and "robust z" in chart


def test_drift_shows_counts_p_values_and_rounded_bins(reported):
    html = (reported.root / "target" / "report.html").read_text()
    data = {r["unique_id"]: r for r in json.loads((reported.root / "target" / "run_results.json").read_text())["results"]}
    x = by_test(html)["scores.x.drift"]
    for needle in ("rows compared", "KS D", "KS p-value", "Wasserstein / std", "&lt; 0.01", "≥ 0.075", "drift: every gate holds",
                   "2024-01-13 → 2024-01-20", "2024-01-20 → 2024-01-21", "NULL share"):
        assert needle in x, needle
    ref_rows = data["scores.x.drift"]["details"]["reference_count"]
    assert f"<td>{int(ref_rows):,}</td>" in x
    plan = by_test(html)["scores.plan.drift"]
    assert "chi-square p-value" in plan and "Jensen–Shannon" in plan and "≥ 0.05" in plan
    # the visible bin labels are rounded (the exact edges stay in the tooltips) and never cut
    shown = re.findall(r'<text class="tick bin"[^>]*>([^<]*)<title>', x)
    assert len(shown) == 20 and shown[0].startswith("≤ ") and shown[-1].startswith("&gt; ")
    assert not any(re.search(r"\d\.\d{5,}", s) or "…" in s for s in shown), shown


def test_bin_labels_are_rounded_to_what_tells_them_apart():
    labels = ["(-inf, 3.3]", "(3.3, 7.999999999999999]", "(7.999999999999999, 8.0001]", "(8.0001, inf)"]
    assert bin_labels(labels) == ["≤ 3.3", "(3.3, 8]", "(8, 8.0001]", "> 8.0001"]
    svg = histogram_svg(bin_labels(labels), [1, 2, 3, 4], [4, 3, 2, 1], tips=labels)
    assert "(3.3, 8]" in svg and "(3.3, 7.999999999999999]" in svg            # shown, and exact in the tooltip


def test_segmented_results_get_a_table_and_their_worst_segments_as_lines(reported):
    from sqlmon.history import open_history
    from sqlmon.runner import load

    html = (reported.root / "target" / "report.html").read_text()
    acc = by_test(html)["scores._.accuracy"]
    table = re.search(r'<table class="facts segments">.*?</table>', acc).group(0)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", table.split("<tbody>")[1])
    assert "overall" in rows[0] and len(rows) == 4                      # overall on top, then 3 plans
    assert re.search(r"plan=enterprise</td><td>\d+</td><td>[\d.]+</td><td><span class=\"badge warn\">", table)
    assert "3 of 3 segments judged" in acc
    # the overall line and the three worst segments of this run, each over the stored runs
    assert acc.count('class="segment-line"') == 3
    for plan in ("basic", "enterprise", "pro"):
        assert f"plan={plan}</text>" in acc                             # in the legend
        assert acc.count(f"plan={plan} · ") >= 8                      # its points over the runs
    assert not re.search(r"plan=\w+ · 2024-01-2[2-5]", acc)             # nothing after the run
    project, _ = load(str(reported.root))
    history = open_history(project, write=False)
    try:
        got = history.segment_series("scores._.accuracy", [{"plan": "pro"}, {"plan": "basic"}],
                                     before=datetime(2024, 1, 21, tzinfo=timezone.utc))
    finally:
        history.close()
    assert sorted(got) == ['{"plan": "basic"}', '{"plan": "pro"}']
    days = [p.as_of.day for p in got['{"plan": "pro"}']]
    assert days == sorted(set(days)) and days[0] == 12 and days[-1] == 20      # one per as_of, before 01-21


def test_charts_fill_their_container():
    for svg in (histogram_svg(["a", "b"], [1, 2], [2, 1]),
                history_svg([HistoryPoint(datetime(2024, 1, d, tzinfo=timezone.utc), d, "pass") for d in (1, 2)])):
        tag = svg.split(">", 1)[0]
        assert 'width="100%"' in tag and re.search(r'viewBox="0 0 \d+ \d+"', tag) and "height=" not in tag


def test_pinned_reference_window_is_shown_when_drift_names_it():
    result = {"unique_id": "m.c.drift", "monitor": "m", "test_type": "drift", "status": "pass", "metric": 0.01,
              "message": "no drift", "tags": [],
              "windows": {"reference": {"start": "2024-01-13T00:00:00+00:00", "end": "2024-01-20T00:00:00+00:00"},
                          "current": {"start": "2024-01-20T00:00:00+00:00", "end": "2024-01-21T00:00:00+00:00"}},
              "details": {"kind": "numeric", "method": "ks+wasserstein", "threshold": 0.075, "drifted": False,
                          "reference_count": 123456, "current_count": 999,
                          "stats": {"ks_stat": 0.01, "ks_pvalue": 0.5, "wasserstein": 0.01},
                          "histogram": {"bins": ["(-inf, 1.0]", "(1.0, inf)"], "reference": [1, 1], "current": [1, 1]}}}
    data = {"metadata": {"as_of": "2024-01-21T00:00:00+00:00"}, "results": [result]}
    html = render(data, {})
    assert "2024-01-13 → 2024-01-20" in html and "123,456" in html and "no drift" in html
    result["details"]["reference_window"] = {"start": "2023-06-01T00:00:00+00:00", "end": "2023-07-01T00:00:00+00:00",
                                             "source": "pinned"}
    html = render(data, {})
    assert "2023-06-01 → 2023-07-01 (pinned baseline)" in html and "2024-01-13 → 2024-01-20" not in html


def test_report_escapes_text_and_marks_anomalies():
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    data = {"metadata": {"target": "dev", "as_of": "2024-01-04", "invocation_id": "abc"},
            "summary": {"fail": 1, "exit_code": 1},
            "results": [
                {"unique_id": "m._.row_count", "monitor": "m", "test_type": "row_count", "status": "pass",
                 "metric": 2.0, "error_if": "< 1", "message": "<script>alert(1)</script>", "tags": ["t<1>"]},
                {"unique_id": "m._.anomaly", "monitor": "m", "test_type": "anomaly", "status": "fail", "metric": 9.0,
                 "warn_if": "> 3", "error_if": "> 5", "message": "z", "tags": [],
                 "details": {"of": "m._.row_count", "value": 2.0, "median": 10.0,
                             "expected": {"warn": [8.0, 12.0], "error": [6.0, 14.0]}}},
            ]}
    series = {"m._.row_count": [SeriesPoint(t0 + timedelta(days=i), v, "pass", str(i)) for i, v in enumerate([10, 11, 10, 2])],
              "m._.anomaly": [SeriesPoint(t0 + timedelta(days=i), v, s, str(i))
                              for i, (v, s) in enumerate([(0.1, "pass"), (0.2, "pass"), (0.1, "pass"), (9, "fail")])]}
    html = render(data, ReportHistory(series=series))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="t&lt;1&gt;"' in html
    assert html.count('class="anomaly"') == 2      # the row_count chart and the anomaly test's chart
    assert "m._.row_count history, expected band shaded, anomalies ringed" in html
    assert html.count('class="band band-pass"') == 1        # this run's band only: no history of bands given


def test_charts_handle_edge_cases():
    assert "no values recorded yet" in history_svg([])
    one = history_svg([HistoryPoint(datetime(2024, 1, 1), 3.0, "pass")], warn=1e9)
    assert "threshold" not in one                    # a far-away threshold does not squash the chart
    assert 'class="cur"' in histogram_svg(["a", "b"], None, [0, 0])      # empty counts: zero bars, no error
    assert histogram_svg(["<b>"], [1], [2]).count("&lt;b&gt;") >= 1
    t = [datetime(2024, 1, d, tzinfo=timezone.utc) for d in (1, 2, 3)]
    # a band with a gap, a lone band point, a segment line of one point, a run with no value
    svg = history_svg([HistoryPoint(t[0], 1.0, "pass"), HistoryPoint(t[2], None, "error", current=True)],
                      run_at=t[2], band=[BandPoint(t[0], 1.0, (0.5, 1.5), None), BandPoint(t[1], None, None, None),
                                         BandPoint(t[2], 1.0, (0.4, 1.6), (0.0, 2.0))],
                      lines=[Line("k=<v>", [HistoryPoint(t[1], 2.0, "warn")])])
    assert svg.count('class="band band-pass"') == 2 and 'class="run-marker"' in svg and "k=&lt;v&gt;" in svg


def test_report_without_a_run_is_a_clear_error(proj):
    res = proj.cli("report")
    assert res.exit_code == 2 and "run_results.json" in res.output and "sqlmon run" in res.output


# --- headless Chromium -------------------------------------------------------------------------

def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    reason = "no chromium binary (Debian: apt-get install -y chromium)"
    if os.environ.get("SQLMON_REQUIRE_ENGINES", "").strip() not in ("", "0"):
        pytest.fail(f"{reason}; SQLMON_REQUIRE_ENGINES=1 turns this skip into a failure", pytrace=False)
    pytest.skip(reason)


def browse(url: str, tmp_path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    return subprocess.run([chromium(), *flags, *extra, url], capture_output=True, text=True, timeout=120)


def console_errors(stderr: str) -> list[str]:
    """Messages the page wrote to the console (Chromium logs them as `CONSOLE ... source: file://`)."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line and "source: file://" in line]


def test_console_error_detector_sees_page_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>no_such_function();</script></body></html>")
    proc = browse(page.as_uri(), tmp_path, "--dump-dom")
    assert any("Uncaught ReferenceError" in line for line in console_errors(proc.stderr)), proc.stderr[-2000:]


def test_report_renders_in_headless_chromium(reported, tmp_path):
    page = (reported.root / "target" / "report.html").as_uri()
    # a link can preset the filters (#status=fail): the script runs and hides all but failures
    dom = browse(page + "#status=fail", tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert console_errors(dom.stderr) == []
    html = dom.stdout
    assert 'data-ready="1"' in html                      # the filter script ran to its end
    assert html.count('class="chart histogram"') == 2 and html.count('class="chart history"') >= 5
    for needle in ('class="band band-pass"', 'class="run-marker"', '<table class="facts segments">', "KS p-value",
                   "chi-square p-value", 'class="segment-line"'):
        assert needle in html, needle
    tags = re.findall(r'<details class="test"[^>]*>', html)
    shown = [re.search(r'data-status="(\w+)"', t).group(1) for t in tags if 'hidden=""' not in t]
    assert set(shown) == {"fail"} and len(shown) < len(tags)
    assert f"{len(shown)} of {len(tags)} tests shown" in html


# Appended to a copy of the page: opens every test, then writes into <body> what the layout came to:
# each chart's width and its row's, whether its panel sits beside or below it, the text size in px,
# text that pokes out of its chart, and how far the page overflows the window sideways.
MEASURE = """<script>
(function () {
  document.querySelectorAll("details.test").forEach(function (t) { t.open = true; });
  var charts = [], cut = [];
  document.querySelectorAll("svg.chart").forEach(function (svg) {
    var box = svg.getBoundingClientRect(), pair = svg.closest(".pair"), side = pair.querySelector(".side");
    var s = side.getBoundingClientRect();
    charts.push({w: box.width, row: pair.getBoundingClientRect().width, beside: s.left >= box.right - 1,
                 below: s.top >= box.bottom - 1, px: 12 * box.width / svg.viewBox.baseVal.width});
    svg.querySelectorAll("text").forEach(function (t) {
      var b = t.getBoundingClientRect();
      if (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1) {
        cut.push(t.textContent);
      }
    });
  });
  document.body.setAttribute("data-measured", JSON.stringify({charts: charts, cut: cut,
    overflow: document.documentElement.scrollWidth - window.innerWidth}));
})();
</script></body>"""


@pytest.mark.parametrize("width", [1400, 800])
def test_report_layout_uses_the_width(reported, tmp_path, width):
    html = (reported.root / "target" / "report.html").read_text()
    page = tmp_path / "measured.html"
    page.write_text(html.replace("</body>", MEASURE))
    dom = browse(page.as_uri(), tmp_path, "--dump-dom", f"--window-size={width},1200")
    assert dom.returncode == 0 and console_errors(dom.stderr) == [], dom.stderr[-2000:]
    got = json.loads(re.search(r"data-measured=\"([^\"]*)\"", dom.stdout).group(1).replace("&quot;", '"'))
    charts = got["charts"]
    assert len(charts) >= 7 and got["cut"] == [] and got["overflow"] <= 0, got
    for c in charts:
        assert c["px"] >= 10.5, c                                 # tick labels readable
        if width == 1400:       # the chart takes most of its row, its panel beside it
            assert c["beside"] and c["w"] >= 0.65 * c["row"] and c["w"] >= 800, c
        else:                   # one column: the chart spans the row, its panel below
            assert c["below"] and c["w"] >= c["row"] - 2 and c["w"] >= 680, c
    shot = tmp_path / f"report-{width}.png"         # every test opened: the bands, the tables, all of it
    snap = browse(page.as_uri(), tmp_path, "--hide-scrollbars", f"--window-size={width},{5000 if width < 1000 else 3400}",
                  f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000, snap.stderr[-2000:]
    print(f"\nreport screenshot ({width} px): {shot}")

"""report.html: self-contained, escaped, charts drawn from results and history; and rendered in
headless Chromium (histograms, history charts, filters, no console errors, a screenshot)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from sqlmon.history import SeriesPoint
from sqlmon.report.charts import HistoryPoint, histogram_svg, history_svg
from sqlmon.report.html import render

MON = """
version: 1
monitors:
  - name: scores
    relation: main.scores
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 7 days}
    tags: [tier1]
    tests:
      - row_count
      - anomaly: {of: row_count, min_history: 3}
    columns:
      - name: plan
        tests: [{drift: {tags: [drift]}}]
      - name: x
        tests: [drift, {not_null: {warn_if: "> 1%"}}]
"""


def scores_table(proj) -> None:
    """20 days x ~120 rows; the last day's `plan` and `x` shift, so drift fails there."""
    proj.sql("""
        CREATE OR REPLACE TABLE scores AS
        SELECT TIMESTAMP '2024-01-01' + INTERVAL (d) DAY + INTERVAL (i * 600) SECOND AS ts,
               CASE WHEN d = 19 AND i % 2 = 0 THEN 'enterprise'
                    ELSE (['basic', 'pro', 'pro', 'basic', 'enterprise'])[1 + (hash(d * 1000 + i) % 5)::INT] END AS plan,
               CASE WHEN i % 40 = 0 THEN NULL
                    ELSE ((hash(d * 7 + i) % 1000)::DOUBLE / 10) + CASE WHEN d = 19 THEN 40 ELSE 0 END END AS x
        FROM range(0, 20) t(d), range(0, 120) q(i)
        WHERE i < 110 + (hash(d) % 10)::INT""")


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
    for day in range(16, 21):
        proj.api(as_of=f"2024-01-{day:02d}", write_artifacts=False)
    res = proj.cli("run", "--as-of", "2024-01-21", "--report")      # sees day 19 (01-20): the shift
    assert res.exit_code == 1 and "Report:" in res.output, res.output
    return proj


def test_report_is_self_contained_and_has_the_charts(reported):
    html = (reported.root / "target" / "report.html").read_text()
    assert html.count('class="chart histogram"') == 2           # plan and x drift overlays
    assert html.count('class="chart history"') >= 4            # metric history per test
    assert 'class="threshold warn"' in html                    # not_null's warn_if line
    for needle in ('name="status"', 'id="f-monitor"', 'id="f-tag"', '<option value="drift">drift</option>'):
        assert needle in html
    # nothing is fetched: no external script/style/image, no URL except the SVG namespace
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", html)
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= {"http://www.w3.org/2000/svg"}
    # `sqlmon report` re-renders the same run from target/
    res = reported.cli("report", "-o", str(reported.root / "again.html"))
    assert res.exit_code == 0 and (reported.root / "again.html").read_text().count('class="chart histogram"') == 2


def test_report_escapes_text_and_marks_anomalies():
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    data = {"metadata": {"target": "dev", "as_of": "2024-01-05", "invocation_id": "abc"},
            "summary": {"fail": 1, "exit_code": 1},
            "results": [
                {"unique_id": "m._.row_count", "monitor": "m", "test_type": "row_count", "status": "pass",
                 "metric": 5.0, "error_if": "< 1", "message": "<script>alert(1)</script>", "tags": ["t<1>"]},
                {"unique_id": "m._.anomaly", "monitor": "m", "test_type": "anomaly", "status": "fail", "metric": 9.0,
                 "warn_if": "> 3", "error_if": "> 5", "message": "z", "details": {"of": "m._.row_count"}, "tags": []},
            ]}
    series = {"m._.row_count": [SeriesPoint(t0 + timedelta(days=i), v, "pass", str(i)) for i, v in enumerate([10, 11, 10, 2])],
              "m._.anomaly": [SeriesPoint(t0 + timedelta(days=i), v, s, str(i))
                              for i, (v, s) in enumerate([(0.1, "pass"), (0.2, "pass"), (0.1, "pass"), (9, "fail")])]}
    html = render(data, series)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="t&lt;1&gt;"' in html
    assert html.count('class="anomaly"') == 2      # the row_count chart and the anomaly test's chart
    assert "m._.row_count history, anomalies ringed" in html


def test_charts_handle_edge_cases():
    assert "no values recorded yet" in history_svg([])
    one = history_svg([HistoryPoint(datetime(2024, 1, 1), 3.0, "pass")], warn=1e9)
    assert "threshold" not in one                    # a far-away threshold does not squash the chart
    assert 'class="cur"' in histogram_svg(["a", "b"], None, [0, 0])      # empty counts: zero bars, no error
    assert histogram_svg(["<b>"], [1], [2]).count("&lt;b&gt;") >= 1


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
    assert html.count('class="chart histogram"') == 2 and html.count('class="chart history"') >= 4
    tags = re.findall(r'<details class="test"[^>]*>', html)
    shown = [re.search(r'data-status="(\w+)"', t).group(1) for t in tags if 'hidden=""' not in t]
    assert set(shown) == {"fail"} and len(shown) < len(tags)
    assert f"{len(shown)} of {len(tags)} tests shown" in html
    shot = tmp_path / "report.png"
    snap = browse(page + "#status=fail,warn,error", tmp_path, "--hide-scrollbars", "--window-size=1280,1600",
                  f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000, snap.stderr[-2000:]
    print(f"\nreport screenshot: {shot}")

"""What `sqlmon run` prints, read as a CI log reads it: a subprocess, its stdout line by line."""
from __future__ import annotations

import json
import subprocess
import sys

MON = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tests: [row_count]
    columns:
      - name: cat
        tests: [not_null]
      - name: x
        tests: [{mean: {error_if: '> 100'}}]
  - name: gated
    relation: main.events
    timestamp: ts
    current: {last: 1 hour}
    tests: [row_count]
    columns:
      - name: x
        tests: [{mean: {error_if: '> 100'}}]
"""


def run(proj, *args: str) -> tuple[int, list[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "sqlmon", "run", "--project-dir", str(proj.root),
                             "--as-of", "2024-01-10", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [line.rstrip("\n") for line in proc.stdout]           # as a log follows it, line by line
    proc.wait(timeout=120)
    return proc.returncode, lines


def test_a_line_per_test_as_it_is_judged_then_problems_then_done(proj):
    proj.monitors(MON)
    code, lines = run(proj)
    assert code == 1
    per_test = [l for l in lines if " of 5 " in l]
    assert [l.split()[0] for l in per_test] == ["1", "2", "3", "4", "5"]
    statuses = {l.split()[4]: l.split()[3] for l in per_test}
    # the gate of `gated` trips (no rows in the last hour): its mean is reported once, as SKIPPED,
    # never first as a pass
    assert statuses == {"ev._.row_count": "PASS", "ev.cat.not_null": "FAIL", "ev.x.mean": "PASS",
                        "gated._.row_count": "FAIL", "gated.x.mean": "SKIPPED"}
    assert all(l.endswith("s]") for l in per_test)
    problems = lines.index("Problems:")
    assert problems > lines.index(per_test[-1])
    assert any(l.strip().startswith("FAIL    ev.cat.not_null (") and "monitors.yml:" in l for l in lines[problems:])
    assert "Done. PASS=2 WARN=0 FAIL=2 ERROR=0 SKIP=1 · exit 1" in lines
    assert any(l.startswith("Artifacts: ") and "run_results.json" in l for l in lines)


def test_quiet_json_and_github(proj):
    proj.monitors(MON)
    code, lines = run(proj, "--quiet")
    assert code == 1 and not any(" of 5 " in l for l in lines) and "Done. PASS=2 WARN=0 FAIL=2 ERROR=0 SKIP=1 · exit 1" in lines
    code, lines = run(proj, "--log-format", "json")
    events = [json.loads(l) for l in lines]                          # nothing but JSON on stdout
    tests = [e for e in events if e["event"] == "test"]
    assert [e["index"] for e in tests] == [1, 2, 3, 4, 5] and all(e["total"] == 5 for e in tests)
    assert {e["unique_id"]: e["status"] for e in tests}["gated.x.mean"] == "skipped"
    assert events[-1]["event"] == "done" and events[-1]["exit_code"] == 1 and events[-1]["counts"]["fail"] == 2
    code, lines = run(proj, "--log-format", "github")
    notes = [l for l in lines if l.startswith("::")]
    assert any(l.startswith("::error file=") and ",line=" in l and "title=ev.cat.not_null::" in l for l in notes), notes
    assert len([l for l in notes if l.startswith("::error")]) == 2


def test_the_terminal_progress_counts_queries_and_judged_tests():
    from sqlmon.console import Progress
    p = Progress()
    assert p.line() == "queries 0/0"
    p.update(3, 7)
    p.judged("pass", 1, 67)
    p.judged("fail", 2, 67)
    p.judged("error", 3, 67)
    p.update(4, 7)
    assert p.line() == "queries 4/7 · tests 3/67 judged · 2 failing"


def test_numbers_are_printed_for_people_and_kept_exact_in_the_artifacts(proj):
    """Counts with separators, shares as percentages, ages in units (terminal table, summary.md,
    JUnit); run_results.json keeps the exact value (issue 30: `1e+05` for 100,000 rows)."""
    import xml.etree.ElementTree as ET
    proj.sql("""CREATE TABLE big AS SELECT TIMESTAMP '2024-01-09' + INTERVAL (i % 86000) SECOND AS ts,
                CASE WHEN i % 53 = 0 THEN NULL ELSE i END AS v FROM range(0, 100000) t(i)""")
    proj.monitors("""
        version: 1
        monitors:
          - name: big
            relation: main.big
            timestamp: ts
            current: {last: 1 day}
            tests: [{row_count: {warn_if: "> 99999"}}, {freshness: {warn_if: "> 1 hour"}}]
            columns:
              - name: v
                tests: [not_null, {mean: {warn_if: "> 0"}}]
        """)
    res = proj.cli("run", "--as-of", "2024-01-10")
    assert res.exit_code == 1, res.output
    out = res.output
    assert "1,887 of 100,000 rows are NULL or missing (1.89%)" in out and "100,000 rows (breaches" in out
    assert "1e+05" not in out
    summary = (proj.root / "target" / "summary.md").read_text()
    assert "| 1.89% |" in summary and "| 100,000 |" in summary           # the metric column
    junit = ET.parse(proj.root / "target" / "junit.xml").getroot()
    texts = " ".join(f.text or "" for f in junit.iter("failure"))
    assert "metric=1.89%" in texts
    from rich.console import Console

    from sqlmon.console import print_summary  # the live terminal's table: the metric column
    from sqlmon.runner import run
    console = Console(record=True, width=200)
    print_summary(run(proj.root, as_of="2024-01-10", write_artifacts=False, history=False), console)
    table = console.export_text()
    assert "100,000" in table and "1.89%" in table and "6.68 min" in table, table          # freshness: 401 s
    exact = {r["unique_id"]: r["metric"] for r in json.loads((proj.root / "target" / "run_results.json").read_text())["results"]}
    assert exact["big._.row_count"] == 100000 and exact["big.v.not_null"] == 1887 / 100000

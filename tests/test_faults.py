"""Faults on disk and concurrent runs: a clean error with the real cause, the previous artifacts
intact, a damaged history refused before anything is appended, and no run ever lost.

The stress test runs 24 runs in groups of 8 by default; `.ci/run` sets SQLMON_TEST_SCALE=full for
the 200 the README promises (and the property tests' 10,000 cases)."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

FULL = os.environ.get("SQLMON_TEST_SCALE") == "full"

MON = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tests: [row_count]
    columns:
      - name: x
        tests: [not_null, {mean: {error_if: '> 100'}}]
"""


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run_limited(proj, args: list[str], file_size: int, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`sqlmon ARGS` in a child whose files may not grow past `file_size` bytes (a full disk, as a
    process sees it: writes fail with EFBIG instead of killing it)."""
    code = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({file_size}, {file_size}))
        from sqlmon.cli import main
        main(sys.argv[1:])
    """)
    return subprocess.run([sys.executable, "-c", code, *args[:1], "--project-dir", str(proj.root), *args[1:]],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


def test_a_full_disk_leaves_the_previous_artifacts_intact(proj):
    proj.monitors(MON)
    assert proj.run().exit_code in (0, 1)
    before = snapshot(proj.root / "target")
    res = run_limited(proj, ["run", "--as-of", "2024-01-10", "--no-history"], file_size=1000)
    out = res.stdout + res.stderr
    assert res.returncode == 2 and "cannot write" in out and "File too large" in out, out
    assert "Traceback" not in out and "Internal error" not in out, out
    assert "--target-path" in out and "--no-artifacts" in out                 # the fix names the ways out
    assert snapshot(proj.root / "target") == before
    assert not list((proj.root / "target").rglob("*.tmp"))


def test_a_failed_history_write_reports_its_cause(proj):
    proj.monitors(MON)
    proj.api(write_artifacts=False)                                          # the store exists
    size = (proj.root / ".sqlmon" / "history.duckdb").stat().st_size
    history = proj.root / ".sqlmon" / "history.duckdb"
    before = history.read_bytes()
    res = run_limited(proj, ["run", "--as-of", "2024-01-11", "--no-artifacts"], file_size=100)
    out = res.stdout + res.stderr
    assert res.returncode == 2 and "cannot write the history store" in out, out
    assert "rollback" not in out.lower() and "Internal error" not in out, out
    assert "File too large" in out or "disk" in out.lower() or "write" in out.lower(), out
    con = duckdb.connect(str(history), read_only=True)
    try:
        assert con.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1      # nothing half-written
    finally:
        con.close()
    assert len(before) == size


def test_an_unwritable_target_is_a_clean_error_and_the_history_still_gets_the_run(proj):
    proj.monitors(MON)
    (proj.root / "target").write_text("a file where the folder should be")
    res = proj.run()
    assert res.exit_code == 2 and "cannot write" in res.output and "Traceback" not in res.output, res.output
    con = duckdb.connect(str(proj.root / ".sqlmon" / "history.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    finally:
        con.close()


def test_a_read_only_checkout_can_run(proj, tmp_path):
    """Artifacts and history elsewhere: nothing in the project folder changes."""
    proj.monitors(MON)
    before = snapshot(proj.root)
    out_dir, hist = tmp_path / "artifacts", tmp_path / "h" / "history.duckdb"
    res = proj.cli("run", "--as-of", "2024-01-10", "--target-path", str(out_dir), env={"SQLMON_HISTORY_PATH": str(hist)})
    assert res.exit_code in (0, 1), res.output
    assert (out_dir / "run_results.json").exists() and hist.exists()
    assert snapshot(proj.root) == before
    res = proj.cli("run", "--as-of", "2024-01-10", "--no-artifacts", "--no-history")
    assert res.exit_code in (0, 1) and snapshot(proj.root) == before, res.output


def test_a_damaged_history_is_refused_before_anything_is_appended(proj):
    proj.monitors(MON)
    for day in ("2024-01-08", "2024-01-09", "2024-01-10"):
        proj.api(as_of=day, write_artifacts=False)
    history = proj.root / ".sqlmon" / "history.duckdb"
    data = history.read_bytes()
    history.write_bytes(data[: len(data) // 3])                              # cut short
    cut = history.read_bytes()
    res = proj.run()
    assert res.exit_code == 2 and "is damaged" in res.output and "restore it from a backup" in res.output, res.output
    assert res.output.count("is damaged") == 1 and "Traceback" not in res.output
    assert history.read_bytes() == cut


# --- concurrent runs: none lost -------------------------------------------------------------------

@pytest.mark.scale
def test_concurrent_runs_lose_nothing(proj):
    """Groups of 8 processes writing one DuckDB store at once: every run that exited 0 or 1 is in
    the history, whole (its runs row and all its results), and none failed for the lock."""
    proj.monitors(MON)
    total, group = (200, 8) if FULL else (24, 8)
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\nhistory: {lock_timeout: 120}\n")
    start = date(2020, 1, 1)

    def one(i: int) -> tuple[int, str]:
        day = (start + timedelta(days=i)).isoformat()
        proc = subprocess.run([sys.executable, "-m", "sqlmon", "run", "--project-dir", str(proj.root), "--as-of", day,
                               "--no-artifacts"], capture_output=True, text=True, timeout=600)
        return proc.returncode, proc.stdout + proc.stderr

    outcomes = []
    with ThreadPoolExecutor(max_workers=group) as pool:
        for first in range(0, total, group):
            outcomes += list(pool.map(one, range(first, min(first + group, total))))
    bad = [out for code, out in outcomes if code not in (0, 1)]
    assert not bad, bad[0]
    con = duckdb.connect(str(proj.root / ".sqlmon" / "history.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT COUNT(*), COUNT(DISTINCT as_of) FROM runs").fetchone() == (total, total)
        per_run = con.execute("SELECT COUNT(*) FROM results GROUP BY invocation_id").fetchall()
        assert len(per_run) == total and {n for (n,) in per_run} == {3}
    finally:
        con.close()

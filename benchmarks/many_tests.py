"""Loading and selecting many tests: 10,000 tests in one monitor against the same tests spread
over 1,000 monitors (issue 17: selection and loading linear in the number of tests).

    python benchmarks/many_tests.py [--tests 10000] [--repeat 3]

Times `sqlmon.runner.load` (YAML, specs, defaults cascade, load-time checks) and `select_tests`
(the whole project, then a `column:` glob) in-process, medians of --repeat, no warehouse query.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmon.config.select import select_tests  # noqa: E402
from sqlmon.runner import load  # noqa: E402
from sqlmon.testtypes import GATES  # noqa: E402


def project(root: Path, tests: int, monitors: int) -> Path:
    root.mkdir(parents=True)
    (root / "sqlmon_project.yml").write_text("name: many\nprofile: many\n")
    (root / "profiles.yml").write_text("many:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: ':memory:'}\n")
    (root / "monitors").mkdir()
    per = tests // monitors
    lines = ["version: 1", "monitors:"]
    for m in range(monitors):
        lines += [f"  - name: m{m}", "    relation: main.t", "    columns:"]
        lines += [f"      - name: c{i}\n        tests: [{{not_null: {{error_if: '> 1%'}}}}]" for i in range(per)]
    (root / "monitors" / "m.yml").write_text("\n".join(lines) + "\n")
    return root


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tests", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for label, monitors in (("one monitor", 1), ("1,000 monitors", 1000)):
            root = project(Path(tmp) / label.replace(" ", "_").replace(",", ""), args.tests, monitors)
            loaded = timed(lambda: load(root), args.repeat)
            proj, _ = load(root)
            selected = timed(lambda: select_tests(proj.monitors, None, None, GATES), args.repeat)
            globbed = timed(lambda: select_tests(proj.monitors, ["column:c1*"], None, GATES), args.repeat)
            rows.append((label, loaded, selected, globbed))
    print(f"{args.tests:,} tests, median of {args.repeat}")
    print("| layout | load s | select all s | select column:c1* s |\n|---|---:|---:|---:|")
    for label, loaded, selected, globbed in rows:
        print(f"| {label} | {loaded:.2f} | {selected:.3f} | {globbed:.3f} |")
    one, spread = rows
    print(f"\none monitor / spread: load {one[1] / spread[1]:.2f}x, select {one[2] / max(spread[2], 1e-9):.2f}x")


if __name__ == "__main__":
    main()

"""Terminal output of a run, drawn from the core's events (`on_query`, `on_result`):

* in a terminal: a live progress line while queries run, then a summary grouped by monitor with
  the problems first;
* elsewhere (CI logs), like dbt: one line per test as it is judged (`12 of 67 FAIL  m.c.drift
  [0.12s]`), then the problems, then `Done. PASS=.. WARN=.. FAIL=.. ERROR=.. SKIP=..` and where the
  artifacts are;
* `--quiet`: only the problems and the Done line; `--log-format json`: one JSON object per event
  on stdout, for log shippers; `--log-format github`: `::error file=..,line=..::` annotations on the
  monitor files, for GitHub Actions.
rich handles colour, width and non-TTY output."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sqlmon.evidence import line as evidence_line
from sqlmon.numbers import metric as metric_text
from sqlmon.redact import scrub
from sqlmon.results import RANK, failing_unjudged, unjudged_monitors

if TYPE_CHECKING:
    from sqlmon.results import Result, RunResult

STYLE = {"pass": "green", "warn": "yellow", "fail": "red", "error": "bold red", "skipped": "dim"}


class Progress:
    """`queries 3/7 · tests 12/67 judged · 2 failing` on stderr while running; silent when stderr
    is not a terminal. Tests are counted as they become final (a test waits for its gate)."""

    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.status: Any = None
        self.queries = (0, 0)
        self.tests = (0, 0)
        self.failing = 0

    def __enter__(self) -> "Progress":
        if self.console.is_terminal:
            self.status = self.console.status("compiling…")
            self.status.__enter__()
        return self

    def update(self, done: int, total: int) -> None:
        self.queries = (done, total)
        self._show()

    def judged(self, status: str, done: int, total: int) -> None:
        self.tests = (done, total)
        self.failing += status in ("fail", "error")
        self._show()

    def line(self) -> str:
        parts = [f"queries {self.queries[0]}/{self.queries[1]}"]
        if self.tests[1]:
            parts.append(f"tests {self.tests[0]}/{self.tests[1]} judged")
        if self.failing:
            parts.append(f"{self.failing} failing")
        return " · ".join(parts)

    def _show(self) -> None:
        if self.status is not None:
            self.status.update(self.line())

    def __exit__(self, *exc: Any) -> None:
        if self.status is not None:
            self.status.__exit__(*exc)


def print_summary(rr: "RunResult", console: Console | None = None) -> None:
    console = console or Console(highlight=False, width=None if Console().is_terminal else 160)
    monitors: dict[str, list[Any]] = {}
    for r in rr.results:
        monitors.setdefault(r.monitor, []).append(r)
    order = sorted(monitors, key=lambda m: min(RANK[r.status] for r in monitors[m]))
    for name in order:
        results = sorted(monitors[name], key=lambda r: (RANK[r.status], r.unique_id))
        table = Table(title=f"[bold]{name}[/]", title_justify="left", show_edge=False, pad_edge=False, expand=False)
        for col in ("status", "test", "metric", "threshold", "message"):
            table.add_column(col, overflow="fold")
        for r in results:
            thr = " ".join(t for t in (r.error_if and f"error {r.error_if}", r.warn_if and f"warn {r.warn_if}") if t)
            msg = scrub(r.message.splitlines()[0]) if r.message else ""
            test = r.unique_id.split(".", 1)[1]
            table.add_row(f"[{STYLE[r.status]}]{r.status.upper()}[/]", test, metric_text(r.metric, r.test_type, r.details),
                          thr, msg)
        console.print(table)
        for r in results:
            if r.status == "error" and "\n" in r.message:
                console.print(f"  [red]{r.unique_id}[/]: {scrub(r.message)}")
            evidence = _evidence(r)
            if evidence:        # escaped: a value is data, never rich markup
                console.print(f"  [{STYLE[r.status]}]{escape(r.unique_id)}[/]: {escape(evidence)}")
        console.print()
    counts = rr.by_status()
    parts = [f"[{STYLE[s]}]{n} {s}[/]" for s, n in counts.items() if n]
    secs = (rr.finished_at - rr.started_at).total_seconds()
    silent = unjudged_monitors(rr.results)
    if silent:
        console.print(f"[red]{_judged_nothing(rr, silent)}[/]")
    not_judged = counts["skipped"] + counts["error"]
    if not_judged:
        parts.append(f"{not_judged} not judged")
    console.print(f"Done: {len(rr.results)} tests in {secs:.1f}s, {len(rr.queries)} queries · " + " · ".join(parts) +
                  f" · exit {rr.exit_code}")


LOG_FORMATS = ("text", "json", "github")


class RunOutput:
    """What `sqlmon run` prints, by where it goes (see the module docstring)."""

    def __init__(self, log_format: str = "text", quiet: bool = False, stream: Any = None):
        self.format, self.quiet = log_format, quiet
        self.out = stream or sys.stdout
        self.console = Console(file=self.out, highlight=False, width=None if Console(file=self.out).is_terminal else 160)
        self.live = log_format == "text" and not quiet and self.console.is_terminal
        self.progress = Progress() if self.live else None

    def __enter__(self) -> "RunOutput":
        if self.progress is not None:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)

    def on_query(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.update(done, total)

    def on_result(self, result: "Result", index: int, total: int) -> None:
        if self.progress is not None:
            self.progress.judged(result.status, index, total)
        if self.format == "json":
            self._json({"event": "test", "index": index, "total": total, **_fields(result)})
        elif self.format == "text" and not self.quiet and not self.live:
            width = len(str(total))
            self.out.write(f"{index:>{width}} of {total} {result.status.upper():<7} {result.unique_id} "
                           f"[{result.timing:.2f}s]\n")
            self.out.flush()

    def finish(self, rr: "RunResult", artifacts: Path | None) -> None:
        counts = rr.by_status()
        done = (f"Done. PASS={counts['pass']} WARN={counts['warn']} FAIL={counts['fail']} "
                f"ERROR={counts['error']} SKIP={counts['skipped']} · exit {rr.exit_code}")
        silent = unjudged_monitors(rr.results)
        if self.format == "json":
            self._json({"event": "done", "counts": counts, "exit_code": rr.exit_code, "unjudged_monitors": silent,
                        "warnings": [scrub(w) for w in rr.warnings],
                        "artifacts": str(artifacts) if artifacts else None})
            return
        if self.live:
            print_summary(rr, self.console)
        else:
            problems = sorted((r for r in rr.results if r.status not in ("pass",)),
                              key=lambda r: (RANK[r.status], r.unique_id))
            if problems:
                self.out.write("\nProblems:\n")
            for r in problems:
                # an error's whole message: its Fix line is what the reader needs next
                text = scrub(r.message if r.status == "error" else (r.message.splitlines() or [""])[0])
                text = text.replace("\n", "\n" + " " * 10)
                tier = f" [{r.tier}]" if r.tier else ""          # a `low` fail is listed, and does not fail the run
                self.out.write(f"  {r.status.upper():<7} {r.unique_id}{tier} ({r.location}): {text}\n")
                evidence = None if self.quiet else _evidence(r)
                if evidence:
                    self.out.write(f"{' ' * 10}{evidence}\n")
                if self.format == "github" and r.status in ("fail", "error", "warn"):
                    self.out.write(_annotation(r))
            if silent:
                self.out.write(_judged_nothing(rr, silent) + "\n")
            self.out.write(f"\n{done}\n")
        if artifacts is not None:
            self.out.write(f"Artifacts: {artifacts / 'run_results.json'}, {artifacts / 'junit.xml'}, "
                           f"{artifacts / 'summary.md'}\n")
        self.out.flush()

    def _json(self, event: dict[str, Any]) -> None:
        self.out.write(scrub(json.dumps(event, default=str)) + "\n")
        self.out.flush()


def _evidence(r: "Result") -> str | None:
    """The offending values of a warning or failing test, on one line (sqlmon.evidence)."""
    text = evidence_line(r.test_type, r.details) if r.status in ("warn", "fail") else None
    return scrub(text) if text else None


def _judged_nothing(rr: "RunResult", silent: list[str]) -> str:
    """The monitors that judged nothing; those in a tier that never fails on `fail` do not fail the run."""
    policy = rr.policy if rr.policy is not None else rr.fail_on
    gating = failing_unjudged(rr.results, policy)
    quiet = [m for m in silent if m not in gating]
    return (f"Judged nothing (every test skipped or errored): {', '.join(silent)}" +
            (f" (not failing the run, by their tier: {', '.join(quiet)})" if quiet else ""))


def _fields(r: "Result") -> dict[str, Any]:
    return {"unique_id": r.unique_id, "monitor": r.monitor, "test_type": r.test_type, "status": r.status,
            "tier": r.tier, "owner": r.owner,
            "metric": r.metric, "message": scrub(r.message), "location": r.location, "seconds": r.timing}


def _annotation(r: "Result") -> str:
    """A GitHub Actions workflow command: the problem shown on the monitor file's line."""
    level = "warning" if r.status == "warn" else "error"
    file, _, line = r.location.rpartition(":")
    where = f"file={file},line={line}," if file and line.isdigit() else ""
    text = scrub(r.message or r.status).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} {where}title={r.unique_id}::{text}\n"


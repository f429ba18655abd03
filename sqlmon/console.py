"""Terminal output: a progress line while queries run, then a summary grouped by monitor with the
problems first. rich handles colour, width and non-TTY output (plain text in CI logs)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from sqlmon.redact import scrub
from sqlmon.results import RANK, unjudged_monitors

if TYPE_CHECKING:
    from sqlmon.results import RunResult

STYLE = {"pass": "green", "warn": "yellow", "fail": "red", "error": "bold red", "skipped": "dim"}


class Progress:
    """`query 3/7` on stderr while running; silent when stderr is not a terminal."""

    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.status: Any = None

    def __enter__(self) -> "Progress":
        if self.console.is_terminal:
            self.status = self.console.status("compiling…")
            self.status.__enter__()
        return self

    def update(self, done: int, total: int) -> None:
        if self.status is not None:
            self.status.update(f"running queries {done}/{total}")

    def __exit__(self, *exc: Any) -> None:
        if self.status is not None:
            self.status.__exit__(*exc)


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.4g}" if abs(v) < 1e6 else f"{v:.3e}"


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
            table.add_row(f"[{STYLE[r.status]}]{r.status.upper()}[/]", test, _fmt(r.metric), thr, msg)
        console.print(table)
        for r in results:
            if r.status == "error" and "\n" in r.message:
                console.print(f"  [red]{r.unique_id}[/]: {scrub(r.message)}")
        console.print()
    counts = rr.by_status()
    parts = [f"[{STYLE[s]}]{n} {s}[/]" for s, n in counts.items() if n]
    secs = (rr.finished_at - rr.started_at).total_seconds()
    silent = unjudged_monitors(rr.results)
    if silent:
        console.print(f"[red]Judged nothing (every test skipped or errored): {', '.join(silent)}[/] — exit 1")
    not_judged = counts["skipped"] + counts["error"]
    if not_judged:
        parts.append(f"{not_judged} not judged")
    console.print(f"Done: {len(rr.results)} tests in {secs:.1f}s, {len(rr.queries)} queries · " + " · ".join(parts) +
                  f" · exit {rr.exit_code}")

"""Artifacts of a run in `target/`: run_results.json, junit.xml, summary.md, run/ (executed SQL).

Each file is written to a temporary name and renamed, so a crash never leaves half a file.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from sqlmon.results import RANK, clean
from sqlmon.version import __version__

if TYPE_CHECKING:
    from sqlmon.results import RunResult

SCHEMA_VERSION = "1.0"


def run_results(rr: "RunResult") -> dict[str, Any]:
    out = clean({
        "metadata": {
            "schema_version": SCHEMA_VERSION,
            "sqlmon_version": __version__,
            "invocation_id": rr.invocation_id,
            "generated_at": rr.finished_at,
            "started_at": rr.started_at,
            "target": rr.target,
            "adapter": rr.adapter,
            "as_of": rr.as_of,
            "queries": len(rr.queries),
        },
        "summary": {**rr.by_status(), "total": len(rr.results), "exit_code": rr.exit_code},
    })
    out["results"] = [r.to_dict() for r in rr.results]      # clean already: not walked twice
    return out


def junit(rr: "RunResult") -> str:
    root = ET.Element("testsuites", name="sqlmon", tests=str(len(rr.results)))
    by_monitor: dict[str, list[Any]] = {}
    for r in rr.results:
        by_monitor.setdefault(r.monitor, []).append(r)
    for monitor, results in by_monitor.items():
        counts = {s: sum(1 for r in results if r.status == s) for s in RANK}
        suite = ET.SubElement(root, "testsuite", name=monitor, tests=str(len(results)),
                              failures=str(counts["fail"]), errors=str(counts["error"]),
                              skipped=str(counts["skipped"]), time=f"{sum(r.timing for r in results):.3f}")
        for r in results:
            case = ET.SubElement(suite, "testcase", classname=monitor, name=r.unique_id, time=f"{r.timing:.3f}")
            text = f"metric={_fmt(r.metric)} warn_if={r.warn_if} error_if={r.error_if}\n{r.message}"
            if r.status == "fail":
                ET.SubElement(case, "failure", message=r.message.splitlines()[0] if r.message else "fail").text = text
            elif r.status == "error":
                ET.SubElement(case, "error", message=r.message.splitlines()[0] if r.message else "error").text = text
            elif r.status == "skipped":
                ET.SubElement(case, "skipped", message=r.message)
            elif r.status == "warn":
                ET.SubElement(case, "system-out").text = f"WARN: {text}"
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def summary_md(rr: "RunResult") -> str:
    counts = rr.by_status()
    icon = {"pass": "✅", "warn": "⚠️", "fail": "❌", "error": "💥", "skipped": "⏭️"}
    lines = [f"## sqlmon run — {'passed' if rr.exit_code == 0 else 'FAILED'}", "",
             f"target `{rr.target}` · as of {rr.as_of.isoformat()} · " +
             " · ".join(f"{icon[s]} {n} {s}" for s, n in counts.items() if n), ""]
    problems = sorted((r for r in rr.results if r.status != "pass"), key=lambda r: (RANK[r.status], r.unique_id))
    if problems:
        lines += ["| status | test | metric | threshold | message |", "|---|---|---|---|---|"]
        for r in problems:
            thr = " / ".join(t for t in (r.error_if and f"error_if {r.error_if}", r.warn_if and f"warn_if {r.warn_if}") if t)
            msg = (r.message.splitlines()[0] if r.message else "").replace("|", "\\|")
            lines.append(f"| {icon[r.status]} {r.status} | `{r.unique_id}` | {_fmt(r.metric)} | {thr} | {msg} |")
    else:
        lines.append("All tests passed.")
    return "\n".join(lines) + "\n"


def _fmt(v: Any) -> str:
    return "—" if v is None else f"{v:.6g}"


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_all(rr: "RunResult", target_dir: Path) -> None:
    # One line, like dbt's: json's C encoder does not indent, and the Python one took 0.03 s per run
    # (`python -m json.tool target/run_results.json` pretty-prints it).
    atomic_write(target_dir / "run_results.json", json.dumps(run_results(rr)))
    atomic_write(target_dir / "junit.xml", junit(rr))
    atomic_write(target_dir / "summary.md", summary_md(rr))
    sql = "\n\n".join(f"-- query {i + 1}: {q.seconds:.3f}s, {q.rows} rows; tests: {', '.join(q.tests)}\n{q.sql};"
                      for i, q in enumerate(rr.queries))
    atomic_write(target_dir / "run" / "queries.sql", sql + "\n")

"""Artifacts of a run in `target/`: run_results.json, junit.xml, summary.md, run/ (executed SQL).

Each file is written to a temporary name and renamed, so a crash never leaves half a file.
"""
from __future__ import annotations

import contextlib
import json
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from sqlmon.errors import ConfigError, SqlmonError
from sqlmon.evidence import line as evidence_line
from sqlmon.numbers import metric as metric_text
from sqlmon.redact import scrub
from sqlmon.results import RANK, FailPolicy, RunResult, clean, fail_policy, failing_unjudged, unjudged_monitors
from sqlmon.version import __version__

# 1.1 adds `errors`: a run refused before any test ran (a configuration mistake, an unreachable
# warehouse) still replaces the previous run's artifacts, with the reason. 1.2 adds each result's
# `tier` and `owner`, and `metadata.fail_on` (which statuses failed the run, untiered and by tier).
# 1.3 adds the run's `stage` (--stage, README "Stages"): `metadata.stage` and each result's.
SCHEMA_VERSION = "1.3"


def run_results(rr: RunResult) -> dict[str, Any]:
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
            "fail_on": _fail_on(rr),
            "stage": rr.stage,
        },
        "summary": {**rr.by_status(), "total": len(rr.results), "exit_code": rr.exit_code,
                    "not_judged": sum(1 for r in rr.results if r.status in ("skipped", "error"))},
        "unjudged_monitors": unjudged_monitors(rr.results),
        "warnings": list(rr.warnings),
    })
    out["results"] = [r.to_dict() for r in rr.results]      # clean already: not walked twice
    return out


def _policy(rr: RunResult) -> FailPolicy:
    return rr.policy if rr.policy is not None else fail_policy(rr.fail_on, {})


def _fail_on(rr: RunResult) -> dict[str, Any]:
    """The statuses that failed this run: for untiered tests (`--fail-on`), and by tier."""
    policy = _policy(rr)
    return {"untiered": sorted(policy.untiered), "tiers": {t: sorted(s) for t, s in policy.tiers.items()}}


def junit(rr: RunResult) -> str:
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
            file, _, line = r.location.rpartition(":")
            where = {"file": file, "line": line} if file and line.isdigit() else {}
            case = ET.SubElement(suite, "testcase", classname=monitor, name=r.unique_id, time=f"{r.timing:.3f}", **where)
            # testcase properties (as pytest's record_property writes them): CI test reports show them
            owned = [(k, v) for k, v in (("tier", r.tier), ("owner", _owner(r)), ("stage", r.stage)) if v]
            if owned:
                props = ET.SubElement(case, "properties")
                for key, value in owned:
                    ET.SubElement(props, "property", name=key, value=value)
            # thresholds only when set: "warn_if=None" says nothing to the reader
            limits = " ".join(f"{k}={v}" for k, v in (("warn_if", r.warn_if), ("error_if", r.error_if)) if v)
            text = f"metric={metric_text(r.metric, r.test_type, r.details)}{' ' + limits if limits else ''}\n{r.message}"
            evidence = evidence_line(r.test_type, r.details) if r.status in ("warn", "fail") else None
            if evidence:            # the body only: the message attribute stays the result's message
                text += f"\n{evidence}"
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


def summary_md(rr: RunResult) -> str:
    counts = rr.by_status()
    icon = {"pass": "✅", "warn": "⚠️", "fail": "❌", "error": "💥", "skipped": "⏭️"}
    stage = f" · stage `{rr.stage}`" if rr.stage else ""
    lines = [f"## sqlmon run — {'passed' if rr.exit_code == 0 else 'FAILED'}", "",
             f"target `{rr.target}`{stage} · as of {rr.as_of.isoformat()} · " +
             " · ".join(f"{icon[s]} {n} {s}" for s, n in counts.items() if n), ""]
    silent = unjudged_monitors(rr.results)
    gating = failing_unjudged(rr.results, _policy(rr))
    if gating:
        lines += [f"❌ monitor(s) that judged nothing (every test skipped or errored): {', '.join(gating)}", ""]
    if set(silent) - set(gating):        # a `low` monitor: said, not failing the run
        lines += ["⏭️ judged nothing, in a tier that does not fail the run: "
                  f"{', '.join(m for m in silent if m not in gating)}", ""]
    lines += [f"⚠️ {w}" for w in rr.warnings] + ([""] if rr.warnings else [])
    # By tier, in the order sqlmon_project.yml declares them (critical first), untiered last; then status.
    order = {t: i for i, t in enumerate(_policy(rr).tiers)}
    problems = sorted((r for r in rr.results if r.status != "pass"),
                      key=lambda r: (r.tier is None, order.get(r.tier, len(order)), r.tier or "", RANK[r.status],
                                     r.unique_id))
    tiers = any(r.tier for r in problems)
    owners = any(_owner(r) for r in problems)         # who to call, when the project says so
    if problems:
        lines += ["| status | test |" + (" tier |" if tiers else "") + (" owner |" if owners else "") +
                  " metric | threshold | message |",
                  "|---|---|" + ("---|" if tiers else "") + ("---|" if owners else "") + "---|---|---|"]
        for r in problems:
            thr = " / ".join(t for t in (r.error_if and f"error_if {r.error_if}", r.warn_if and f"warn_if {r.warn_if}") if t)
            msg = (r.message.splitlines()[0] if r.message else "").replace("|", "\\|")
            tier = f" {r.tier or ''} |" if tiers else ""
            owner = f" {_owner(r)} |" if owners else ""
            lines.append(f"| {icon[r.status]} {r.status} | `{r.unique_id}` |{tier}{owner} "
                         f"{metric_text(r.metric, r.test_type, r.details)} | {thr} | "
                         f"{msg} |")
        evidence = [(r.unique_id, evidence_line(r.test_type, r.details)) for r in problems if r.status in ("warn", "fail")]
        evidence = [(uid, text) for uid, text in evidence if text]
        if evidence:
            lines += ["", "**Evidence** (`evidence:` in sqlmon_project.yml)", ""]
            lines += [f"- `{uid}`: {_md(text)}" for uid, text in evidence]
    else:
        lines.append("All tests passed.")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Data as Markdown text: no tag, link, emphasis or table cell of its own."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join("\\" + c if c in "\\`*_[]|~#" else c for c in text)


def _owner(r: Any) -> str:
    owner = getattr(r, "owner", None) or (r.meta or {}).get("owner")     # a Result made by hand: meta alone
    return str(owner) if owner else ""


def atomic_write(path: Path, text: str) -> None:
    """Write `text` (secret values masked: sqlmon.redact) under a temporary name, then rename."""
    write_together({path: text})


def write_together(files: dict[Path, str]) -> None:
    """Write every file or none: each to a temporary name of this writer's own first (two runs
    writing the same target never share one), renamed only when all are written, so a full disk
    or an unwritable folder leaves the previous files as they were. Raises ConfigError."""
    written: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
            written.append((tmp, path))
            tmp.write_text(scrub(text), encoding="utf-8")
        for tmp, path in written:
            os.replace(tmp, path)
    except (OSError, ValueError) as err:          # ValueError: a path with a NUL byte
        where = getattr(err, "filename", None) or next(iter(files), "")
        raise ConfigError(f"cannot write {where}: {getattr(err, 'strerror', None) or err}", location=str(where),
                          hint="free disk space or make the target folder writable; or write the artifacts "
                               "elsewhere (--target-path, $SQLMON_TARGET_PATH) or not at all (--no-artifacts)") from None
    finally:
        for tmp, _ in written:
            with contextlib.suppress(OSError):
                tmp.unlink()


def refused(error: SqlmonError, started: datetime, as_of: datetime | None) -> dict[str, Any]:
    """run_results.json of a run refused before any test ran: no results, exit code 2, the reason."""
    return clean({
        "metadata": {"schema_version": SCHEMA_VERSION, "sqlmon_version": __version__,
                     "invocation_id": uuid.uuid4().hex, "generated_at": datetime.now(timezone.utc),
                     "started_at": started, "target": "", "adapter": "", "as_of": as_of or "", "queries": 0},
        "summary": {**{s: 0 for s in RANK}, "total": 0, "exit_code": 2},
        "results": [],
        "errors": [{"message": error.message, "location": error.location, "hint": error.hint}],
    })


def write_refused(error: SqlmonError, target_dir: Path, started: datetime, as_of: datetime | None) -> None:
    """Replace the previous run's artifacts with the reason this run was refused, so CI never
    publishes an old green result: run_results.json, a JUnit file with one <error>, summary.md."""
    root = ET.Element("testsuites", name="sqlmon", tests="1", errors="1")
    suite = ET.SubElement(root, "testsuite", name="sqlmon", tests="1", failures="0", errors="1", skipped="0")
    case = ET.SubElement(suite, "testcase", classname="sqlmon", name="configuration")
    ET.SubElement(case, "error", message=error.message.splitlines()[0]).text = str(error)
    ET.indent(root)
    write_together({
        target_dir / "run_results.json": json.dumps(refused(error, started, as_of)),
        target_dir / "junit.xml": ET.tostring(root, encoding="unicode", xml_declaration=True),
        target_dir / "summary.md": "## sqlmon run — REFUSED (no test ran)\n\n```\n" + str(error) + "\n```\n",
        target_dir / "run" / "queries.sql": "-- no query: the run was refused before it started\n",
    })


def write_all(rr: RunResult, target_dir: Path) -> None:
    """run_results.json, junit.xml, summary.md and run/queries.sql, all or none (write_together)."""
    # One line, like dbt's: json's C encoder does not indent, and the Python one took 0.03 s per run
    # (`python -m json.tool target/run_results.json` pretty-prints it).
    sql = "\n\n".join(f"-- query {i + 1}: {q.seconds:.3f}s, {q.rows} rows; tests: {', '.join(q.tests)}\n{q.sql};"
                       for i, q in enumerate(rr.queries))
    write_together({
        target_dir / "run_results.json": json.dumps(run_results(rr)),
        target_dir / "junit.xml": junit(rr),
        target_dir / "summary.md": summary_md(rr),
        target_dir / "run" / "queries.sql": sql + "\n",
    })

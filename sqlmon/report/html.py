"""`target/report.html`: one self-contained page people read after a run (no network, no libraries).

Per monitor, every test with its status, metric, thresholds and message; beside each chart the
panel that explains it (figures.py: drift histograms with counts and p-values, history charts with
the run marked, anomaly bands, worst segments; panels.py: the tables); each test's tier and owner;
filters by status, monitor, tier, tag and text (vanilla JS; the URL hash
`#status=fail,warn&tier=critical` presets them, so a link can point at the failures). Built from
`run_results.json`'s shape, so `sqlmon report` re-renders any run, and from the history up to that
run's `as_of` only (gather.py).
"""
from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmon.errors import ConfigError
from sqlmon.numbers import value
from sqlmon.report.figures import RunView, anomaly_marks, figures
from sqlmon.report.gather import ReportHistory, read_history, run_as_of
from sqlmon.report.page import PAGE
from sqlmon.results import RANK

if TYPE_CHECKING:
    from sqlmon.history import HistoryReader, SeriesPoint
    from sqlmon.results import RunResult


def write_report(run: "RunResult | dict[str, Any]", history: "HistoryReader | None", path: Path,
                 runs: int = 60) -> Path:
    """Render a run (a RunResult or a run_results.json dict) with `runs` runs of history to `path`."""
    from sqlmon.report.artifacts import atomic_write, run_results

    data = run if isinstance(run, dict) else run_results(run)
    atomic_write(path, render(data, read_history(data, history, runs)))
    return path


def report_from_target(target_dir: Path, history: "HistoryReader | None", path: Path | None = None,
                       runs: int = 60) -> Path:
    """`sqlmon report`: the last run's `run_results.json` plus the history."""
    source = target_dir / "run_results.json"
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no {source}: the report shows the last run", hint="run `sqlmon run` first") from None
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read {source}: {err}", hint="re-run `sqlmon run` to rewrite it") from None
    return write_report(data, history, path or target_dir / "report.html", runs)


def render(data: dict[str, Any], history: "ReportHistory | dict[str, list[SeriesPoint]] | None" = None,
           note: str = "") -> str:
    """The page. `history`: what gather.read_history read (a plain series dict will do)."""
    hist = history if isinstance(history, ReportHistory) else ReportHistory(series=dict(history or {}))
    note = note or hist.note
    results = data.get("results", [])
    meta = data.get("metadata", {})
    run_at = run_as_of(data)
    view = RunView(hist, run_at, meta.get("invocation_id"), {r["unique_id"]: r for r in results})
    view.marks = anomaly_marks(results, hist, run_at)
    monitors: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        monitors.setdefault(r["monitor"], []).append(r)
    order = sorted(monitors, key=lambda m: (min(RANK.get(r["status"], 9) for r in monitors[m]), m))
    sections = []
    for name in order:
        rows = sorted(monitors[name], key=lambda r: (RANK.get(r["status"], 9), r["unique_id"]))
        counts = {s: sum(1 for r in rows if r["status"] == s) for s in RANK}
        badge = " ".join(f'<span class="badge {s}">{n} {s}</span>' for s, n in counts.items() if n)
        body = "".join(_test(r, *figures(r, view)) for r in rows)
        sections.append(f'<section class="monitor" data-monitor="{escape(name)}"><h2>{escape(name)} {badge}</h2>{body}</section>')
    summary = data.get("summary", {})
    totals = " ".join(f'<span class="badge {s}">{summary.get(s, 0)} {s}</span>' for s in RANK if summary.get(s))
    tags = sorted({t for r in results for t in r.get("tags", [])})
    declared = list((meta.get("fail_on") or {}).get("tiers") or {})     # the project's order: critical first
    used = {r["tier"] for r in results if r.get("tier")}
    tiers = [t for t in declared if t in used] + sorted(used - set(declared))
    when = f"{run_at:%Y-%m-%d %H:%M} UTC" if run_at is not None else str(meta.get("as_of", "?"))
    return (PAGE
            .replace("{{title}}", escape(f"sqlmon report — {meta.get('target', '')} as of {when}"))
            .replace("{{heading}}", escape(f"as of {when} · target {meta.get('target', '?')} "
                                           f"({meta.get('adapter', '?')}) · run {meta.get('invocation_id', '?')[:12]} · "
                                           f"exit {summary.get('exit_code', '?')}"))
            .replace("{{totals}}", totals)
            .replace("{{note}}", f'<p class="note">{escape(note)}</p>' if note else "")
            .replace("{{monitor_options}}", "".join(f'<option value="{escape(m)}">{escape(m)}</option>' for m in sorted(monitors)))
            .replace("{{tag_options}}", "".join(f'<option value="{escape(t)}">{escape(t)}</option>' for t in tags))
            .replace("{{tier_options}}", "".join(f'<option value="{escape(t)}">{escape(t)}</option>' for t in tiers))
            .replace("{{sections}}", "".join(sections) or '<p class="note">No results.</p>'))


def _test(r: dict[str, Any], charts: list[str], troubled: bool) -> str:
    uid, status = r["unique_id"], r["status"]
    thresholds = " · ".join(f"{k} {escape(str(r[k]))}" for k in ("error_if", "warn_if") if r.get(k))
    message = escape(r.get("message") or "")
    location = escape(r.get("location") or "")
    tags = " ".join(r.get("tags", []))
    # Open what deserves a look: a problem now, a drift overlay, or trouble in the plotted history.
    drift = isinstance((r.get("details") or {}).get("histogram"), dict)
    opened = " open" if charts and (status != "pass" or drift or troubled) else ""
    owner = escape(str(r.get("owner") or (r.get("meta") or {}).get("owner") or ""))
    tier = escape(r.get("tier") or "")
    about = " · ".join(x for x in (f"tier {tier}" if tier else "", f"owner {owner}" if owner else "", location) if x)
    inner = (f'<div class="body"><p class="msg">{message}</p>' + (f'<p class="where">{about}</p>' if about else "") +
             "".join(charts) + "</div>")
    return (f'<details class="test" data-status="{status}" data-monitor="{escape(r["monitor"])}" '
            f'data-tags="{escape(tags)}" data-tier="{tier}" data-id="{escape(uid)}"{opened}>'
            f'<summary><span class="badge {status}">{status}</span><code>{escape(uid.split(".", 1)[-1])}</code>'
            f'<span class="type">{escape(r.get("test_type", ""))}{f" · {tier}" if tier else ""}</span>'
            f'<span class="metric">{value(r.get("metric"))}</span><span class="thr">{thresholds}</span>'
            f'{"<span class=charts-flag>charts</span>" if charts else ""}</summary>{inner}</details>')

"""`target/report.html`: one self-contained page people read after a run (no network, no libraries).

Per monitor, every test with its status, metric, thresholds and message; a reference-vs-current
histogram overlay where a result has `details["histogram"]`; the metric's history from the
history store with thresholds and anomalies marked; each test's tier and owner; filters by status,
monitor, tier, tag and text (vanilla JS; the URL hash `#status=fail,warn&tier=critical` presets
them, so a link can point at the failures). Built from `run_results.json`'s shape, so `sqlmon
report` re-renders any run.
"""
from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmon.config.thresholds import parse_threshold
from sqlmon.errors import ConfigError, SqlmonError
from sqlmon.report.charts import HistoryPoint, histogram_svg, history_svg
from sqlmon.report.page import PAGE
from sqlmon.results import RANK

if TYPE_CHECKING:
    from sqlmon.history import HistoryReader, SeriesPoint
    from sqlmon.results import RunResult

FLAGGED = ("warn", "fail")


def write_report(run: "RunResult | dict[str, Any]", history: "HistoryReader | None", path: Path,
                 runs: int = 60) -> Path:
    """Render a run (a RunResult or a run_results.json dict) with `runs` runs of history to `path`."""
    from sqlmon.report.artifacts import atomic_write, run_results

    data = run if isinstance(run, dict) else run_results(run)
    series: dict[str, list[SeriesPoint]] = {}
    note = ""
    if history is not None:
        try:
            series = history.recent(runs)
        except SqlmonError as err:
            note = f"history unavailable: {err.message}"
    atomic_write(path, render(data, series, note))
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


def render(data: dict[str, Any], series: dict[str, list["SeriesPoint"]], note: str = "") -> str:
    results = data.get("results", [])
    meta = data.get("metadata", {})
    flagged = _anomaly_marks(results, series)
    monitors: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        monitors.setdefault(r["monitor"], []).append(r)
    order = sorted(monitors, key=lambda m: (min(RANK.get(r["status"], 9) for r in monitors[m]), m))
    sections = []
    for name in order:
        rows = sorted(monitors[name], key=lambda r: (RANK.get(r["status"], 9), r["unique_id"]))
        counts = {s: sum(1 for r in rows if r["status"] == s) for s in RANK}
        badge = " ".join(f'<span class="badge {s}">{n} {s}</span>' for s, n in counts.items() if n)
        body = "".join(_test(r, *_chart_series(r, series, flagged)) for r in rows)
        sections.append(f'<section class="monitor" data-monitor="{escape(name)}"><h2>{escape(name)} {badge}</h2>{body}</section>')
    summary = data.get("summary", {})
    totals = " ".join(f'<span class="badge {s}">{summary.get(s, 0)} {s}</span>' for s in RANK if summary.get(s))
    tags = sorted({t for r in results for t in r.get("tags", [])})
    declared = list((meta.get("fail_on") or {}).get("tiers") or {})     # the project's order: critical first
    used = {r["tier"] for r in results if r.get("tier")}
    tiers = [t for t in declared if t in used] + sorted(used - set(declared))
    return (PAGE
            .replace("{{title}}", escape(f"sqlmon report — {meta.get('target', '')} as of {meta.get('as_of', '')}"))
            .replace("{{heading}}", escape(f"as of {meta.get('as_of', '?')} · target {meta.get('target', '?')} "
                                           f"({meta.get('adapter', '?')}) · run {meta.get('invocation_id', '?')[:12]} · "
                                           f"exit {summary.get('exit_code', '?')}"))
            .replace("{{totals}}", totals)
            .replace("{{note}}", f'<p class="note">{escape(note)}</p>' if note else "")
            .replace("{{monitor_options}}", "".join(f'<option value="{escape(m)}">{escape(m)}</option>' for m in sorted(monitors)))
            .replace("{{tag_options}}", "".join(f'<option value="{escape(t)}">{escape(t)}</option>' for t in tags))
            .replace("{{tier_options}}", "".join(f'<option value="{escape(t)}">{escape(t)}</option>' for t in tiers))
            .replace("{{sections}}", "".join(sections) or '<p class="note">No results.</p>'))


def _anomaly_marks(results: list[dict[str, Any]], series: dict[str, list["SeriesPoint"]]) -> dict[str, set]:
    """unique_id -> the as_of values where an anomaly test on it said warn/fail (this run included)."""
    marks: dict[str, set] = {}
    for r in results:
        of = (r.get("details") or {}).get("of")
        if r.get("test_type") != "anomaly" or not of:
            continue
        marks.setdefault(of, set()).update(p.as_of for p in series.get(r["unique_id"], []) if p.status in FLAGGED)
    return marks


def _chart_series(r: dict[str, Any], series: dict[str, list["SeriesPoint"]],
                  flagged: dict[str, set]) -> tuple[list["SeriesPoint"], set, str]:
    """What a test's history chart shows: its own metric, or for an anomaly test the metric it
    watches (the z-score alone says little), with the anomalies ringed."""
    uid = r["unique_id"]
    of = (r.get("details") or {}).get("of") if r.get("test_type") == "anomaly" else None
    if of:
        return series.get(of, []), flagged.get(of, set()), f"{of} history, anomalies ringed"
    return series.get(uid, []), flagged.get(uid, set()), "metric history"


def _test(r: dict[str, Any], points: list["SeriesPoint"], anomalies: set, caption: str) -> str:
    uid, status = r["unique_id"], r["status"]
    thresholds = " · ".join(f"{k} {escape(str(r[k]))}" for k in ("error_if", "warn_if") if r.get(k))
    charts = []
    hist = (r.get("details") or {}).get("histogram")
    if isinstance(hist, dict) and isinstance(hist.get("bins"), list):
        charts.append(f'<figure><figcaption>reference vs current (share of rows)</figcaption>'
                      f'{histogram_svg(hist["bins"], hist.get("reference"), hist.get("current"), uid)}</figure>')
    if len(points) >= 2:
        hp = [HistoryPoint(p.as_of, p.metric, p.status, p.as_of in anomalies) for p in points]
        own = caption == "metric history"
        warn, error = (_value(r.get("warn_if")), _value(r.get("error_if"))) if own else (None, None)
        charts.append(f'<figure><figcaption>{escape(caption)} ({len(points)} runs)</figcaption>'
                      f'{history_svg(hp, warn, error, uid)}</figure>')
    message = escape(r.get("message") or "")
    location = escape(r.get("location") or "")
    tags = " ".join(r.get("tags", []))
    # Open what deserves a look: a problem now, a drift overlay, or trouble in the plotted history.
    troubled = any(p.as_of in anomalies or p.status in FLAGGED for p in points)
    opened = " open" if charts and (status != "pass" or hist or troubled) else ""
    owner = escape(str(r.get("owner") or (r.get("meta") or {}).get("owner") or ""))
    tier = escape(r.get("tier") or "")
    about = " · ".join(x for x in (f"tier {tier}" if tier else "", f"owner {owner}" if owner else "", location) if x)
    inner = (f'<p class="msg">{message}</p>' + (f'<p class="where">{about}</p>' if about else "") +
             ("".join(charts) if charts else ""))
    return (f'<details class="test" data-status="{status}" data-monitor="{escape(r["monitor"])}" '
            f'data-tags="{escape(tags)}" data-tier="{tier}" data-id="{escape(uid)}"{opened}>'
            f'<summary><span class="badge {status}">{status}</span><code>{escape(uid.split(".", 1)[-1])}</code>'
            f'<span class="type">{escape(r.get("test_type", ""))}{f" · {tier}" if tier else ""}</span>'
            f'<span class="metric">{_fmt(r.get("metric"))}</span><span class="thr">{thresholds}</span>'
            f'{"<span class=charts-flag>charts</span>" if charts else ""}</summary>{inner}</details>')


def _value(text: Any) -> float | None:
    if not text:
        return None
    try:
        return parse_threshold(str(text)).value
    except SqlmonError:
        return None


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    return f"{v:.4g}" if isinstance(v, (int, float)) and abs(v) < 1e6 else f"{v:.3e}"

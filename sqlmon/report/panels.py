"""The small tables beside each chart that say what the chart means: for a drift histogram the rows
compared, the windows and the statistic and p-value each gate of the verdict used; for an anomaly
chart the median, the expected ranges and z; for a segmented test its segments, overall first; for
any other history chart this run's value against its thresholds. Pure: a result dict in, escaped
HTML out (numbers through sqlmon.numbers)."""
from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from sqlmon.judge.stats import ALPHA
from sqlmon.judge.verdict import METHODS
from sqlmon.numbers import DASH, count, p_value, share, value

# the statistics' names in drift's details -> what a reader calls them
STAT_NAMES = {"ks": "KS", "chisquare": "chi-square", "z": "z-test", "wasserstein": "Wasserstein / std",
              "jensenshannon": "Jensen–Shannon", "psi": "PSI", "hellinger": "Hellinger", "tvd": "total variation",
              "linf": "L∞"}
# the significance tests: their statistic's key and p-value's key in `details.stats`
TESTS = {"ks": ("ks_stat", "ks_pvalue"), "chisquare": ("chisquare_stat", "chisquare_pvalue"), "z": ("z", "z_pvalue")}


def _table(rows: list[str], cls: str, head: str = "") -> str:
    return f'<table class="facts {cls}">{head}<tbody>{"".join(rows)}</tbody></table>'


def _row(*cells: str, cls: str = "") -> str:
    attr = f' class="{cls.strip()}"' if cls.strip() else ""
    return f"<tr{attr}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def drift_facts(r: dict[str, Any]) -> str:
    """Rows compared, windows, and the gates of the verdict with their numbers."""
    d = r.get("details") or {}
    stats = d.get("stats") or {}
    rows = [_row("rows compared", count(d.get("reference_count", stats.get("n_ref"))),
                 count(d.get("current_count", stats.get("n_cur"))))]
    for name, label in (("null", "NULL"), ("nan", "NaN"), ("posinf", "+inf"), ("neginf", "−inf")):
        ref, cur = stats.get(f"{name}_share_ref"), stats.get(f"{name}_share_cur")
        if ref or cur:          # only the buckets that hold rows: a column of zeros says nothing
            rows.append(_row(f"{label} share", share(ref), share(cur)))
    head = "<thead><tr><th></th><th>reference</th><th>current</th></tr></thead>"
    parts = [_table(rows, "counts", head), _windows(r)]
    parts.append(_table(_gates(r, d, stats), "gates",
                        "<thead><tr><th>the verdict used</th><th>value</th><th>drift if</th></tr></thead>"))
    new = d.get("new_values") or []
    if new:
        parts.append(f'<p class="small">new values: {escape(", ".join(map(str, new[:10])))}'
                     f'{" …" if len(new) > 10 else ""}</p>')
    return '<div class="side">' + "".join(parts) + "</div>"


def _gates(r: dict[str, Any], d: dict[str, Any], stats: dict[str, Any]) -> list[str]:
    """One row per number the verdict compared: for the default two gates the test's statistic and
    p-value (p < 0.01) and the effect size (≥ its threshold); for a chosen method its own number."""
    method = str(d.get("method") or "")
    threshold = d.get("threshold")
    own = [f"{k} {escape(str(r[k]))}" for k in ("warn_if", "error_if") if r.get(k)]
    rows = []
    if "+" in method:
        test, effect = method.split("+", 1)
        rows.append(_test_row(test, stats, None if own else ALPHA))
        rows.append(_effect_row(effect, stats.get(effect), None if own else threshold))
    elif method in METHODS:
        m = METHODS[method]
        if m.metric_key != m.judged_key:
            rows.append(_test_row(method, stats, None if own else threshold))
        else:
            rows.append(_effect_row(method, stats.get(m.metric_key), None if own else threshold))
    if own:     # warn_if / error_if replace the method's rule
        rows.append(_row("judged by", "", " · ".join(own)))
    drifted = d.get("drifted")
    if drifted is not None and not own and r.get("status") in ("pass", "warn", "fail"):
        verdict = ("drift: every gate holds" if "+" in method else "drift") if drifted else "no drift"
        rows.append(f'<tr class="verdict{" hit" if drifted else ""}"><td colspan="3"><strong>{verdict}</strong></td></tr>')
    return rows


def _test_row(test: str, stats: dict[str, Any], alpha: float | None) -> str:
    """Two rows: a significance test's statistic, then its p-value against `alpha`."""
    stat_key, p_key = TESTS.get(test, (test, f"{test}_pvalue"))
    stat, p = stats.get(stat_key), stats.get(p_key)
    name = STAT_NAMES.get(test, test)
    rule = "" if alpha is None or p is None else _rule(p < alpha, f"< {value(alpha)}")
    return (_row(escape(f"{name} {'D' if test == 'ks' else 'statistic'}"), value(stat, 3), "") +
            _row(escape(f"{name} p-value"), p_value(p), rule))


def _effect_row(effect: str, metric: Any, threshold: Any) -> str:
    if metric is None or threshold is None:
        return _row(escape(STAT_NAMES.get(effect, effect)), value(metric, 3), "")
    return _row(escape(STAT_NAMES.get(effect, effect)), value(metric, 3), _rule(metric >= threshold, f"≥ {value(threshold)}"))


def _rule(met: bool, text: str) -> str:
    """The rule of a gate: red when it holds (a drift signal), grey when it does not."""
    return f'<span class="{"hit" if met else "miss"}" title="{"holds" if met else "does not hold"}">{escape(text)}</span>'


def _windows(r: dict[str, Any]) -> str:
    """The windows compared; a pinned baseline's own reference window when drift names one."""
    windows = r.get("windows") or {}
    ref, cur = dict(windows.get("reference") or {}), windows.get("current") or {}
    source = ""
    used = (r.get("details") or {}).get("reference_window")
    if isinstance(used, dict) and used.get("source") == "pinned":      # the counts are the pin's, not the monitor's
        ref = {k: used.get(k) for k in ("relation", "start", "end")}
        source = " (pinned baseline)"
    lines = []
    for name, w, note in (("reference", ref, source), ("current", cur, "")):
        span = window_text(w.get("start"), w.get("end"))
        other = w.get("relation") if w.get("relation") and w.get("relation") != cur.get("relation") else ""
        if span or other:
            text = " ".join(x for x in (other, span or "all rows") if x) + note
            lines.append(f'<li><span class="k">{name}</span> {escape(text)}</li>')
    return f'<ul class="windows" title="from: included, to: excluded">{"".join(lines)}</ul>' if lines else ""


def window_text(start: Any, end: Any) -> str:
    """`2024-01-13 → 2024-01-20` (times shown only when not midnight).

    >>> window_text("2024-01-13T00:00:00+00:00", "2024-01-20T00:00:00+00:00")
    '2024-01-13 → 2024-01-20'
    >>> window_text(None, "2024-01-20T06:30:00+00:00")
    '… → 2024-01-20 06:30'
    """
    if not start and not end:
        return ""
    return f"{_moment(start)} → {_moment(end)}"


def _moment(text: Any) -> str:
    if not text:
        return "…"
    try:
        t = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return t.strftime("%Y-%m-%d" if (t.hour, t.minute, t.second) == (0, 0, 0) else "%Y-%m-%d %H:%M")


def anomaly_facts(r: dict[str, Any], watched: dict[str, Any] | None) -> str:
    """This run's value of the watched metric against what its history expected."""
    d = r.get("details") or {}
    expected = d.get("expected") if isinstance(d.get("expected"), dict) else {}
    rows = [_row("this run", value(d.get("value"))), _row("median of history", value(d.get("median")))]
    for key, label in (("warn", "passes within"), ("error", "warns within")):
        band = expected.get(key)
        if isinstance(band, list) and len(band) == 2:
            rows.append(_row(label, f"{value(band[0])} to {value(band[1])}"))
    rows.append(_row("robust z", value(d.get("z"), 3)))
    rows.append(_row("scale", value(d.get("scale"), 3)))
    if d.get("history") is not None:
        rows.append(_row("past values", count(d.get("history"))))
    if not expected and d.get("median") is not None:
        rows.append(_row("no band", "the history had no spread"))
    about = f'<p class="small">watching <code>{escape(str(d.get("of", "")))}</code>' + (
        f' ({escape(str(watched.get("test_type", "")))})' if watched else "") + "</p>"
    return '<div class="side">' + about + _table(rows, "anomaly") + "</div>"


def metric_facts(r: dict[str, Any], runs: int, flagged: int) -> str:
    """This run's metric, its thresholds, how many of the runs shown warned or failed."""
    rows = [_row("this run", value(r.get("metric")), f'<span class="badge {escape(r["status"])}">{escape(r["status"])}</span>')]
    for key in ("warn_if", "error_if"):
        if r.get(key):
            rows.append(_row(key, escape(str(r[key])), ""))
    rows.append(_row("runs shown", count(runs), f"{flagged} warn/fail" if flagged else ""))
    return '<div class="side">' + _table(rows, "metric") + "</div>"


def segment_label(segment: Any) -> str:
    """`plan=pro, region=EU`.

    >>> segment_label({"plan": "pro", "region": "EU"})
    'plan=pro, region=EU'
    """
    if not isinstance(segment, dict):
        return str(segment)
    return ", ".join(f"{k}={v}" for k, v in segment.items())


def segment_table(r: dict[str, Any]) -> str:
    """Overall first, then the segments as judged (worst first), and what was not judged."""
    d = r.get("details") or {}
    segments = [s for s in d.get("segments") or [] if isinstance(s, dict)]
    overall_rows = next((d.get(k) for k in ("judged", "n_labelled", "rows") if isinstance(d.get(k), (int, float))
                         and not isinstance(d.get(k), bool)), None)
    rows = [_row("<strong>overall</strong>", count(overall_rows), value(d.get("overall")),
                 _badge(d.get("overall_status")), cls="overall")]
    worst = d.get("worst_segment")
    for s in segments:
        label = escape(segment_label(s.get("segment")))
        cls = "worst" if s.get("segment") == worst else ""
        tip = escape(str(s.get("message") or ""))
        rows.append(f'<tr class="{cls}" title="{tip}"><td>{label}</td><td>{count(s.get("rows"))}</td>'
                    f'<td>{value(s.get("metric"))}</td><td>{_badge(s.get("status"))}</td></tr>')
    head = "<thead><tr><th>segment</th><th>rows</th><th>metric</th><th>status</th></tr></thead>"
    notes = [f"{count(d.get('segments_judged'))} of {count(d.get('segments_total'))} segments judged"
             if d.get("segments_total") is not None else ""]
    if d.get("segments_below_min_rows"):
        notes.append(f"{count(d['segments_below_min_rows'])} below {count(d.get('min_segment_rows'))} rows")
    if d.get("segments_beyond_max"):
        notes.append(f"{count(d['segments_beyond_max'])} beyond max_segments")
    if d.get("segments_judged") and len(segments) < d["segments_judged"]:
        notes.append(f"the {len(segments)} worst shown")
    foot = " · ".join(n for n in notes if n)
    return ('<div class="side">' + _table(rows, "segments", head) +
            (f'<p class="small">{escape(foot)}</p>' if foot else "") + "</div>")


def _badge(status: Any) -> str:
    return f'<span class="badge {escape(str(status))}">{escape(str(status))}</span>' if status else DASH


__all__ = ["anomaly_facts", "drift_facts", "metric_facts", "segment_label", "segment_table", "window_text"]

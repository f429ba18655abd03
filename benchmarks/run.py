"""Issue 5 benchmark: sqlmon's full suite vs a bare scan vs Evidently, measured in the same run.

    python benchmarks/run.py --rows 1000000 10000000            # default sizes; Evidently at 1M
    python benchmarks/run.py --rows 50000000 --no-evidently      # on request

Every measurement runs in its OWN subprocess (so peak RSS is per process) and is repeated
`--repeat` times (default 3; Evidently `--evidently-repeat`, also 3: ~30-60 s each at 1M);
the tables show the median and every run. Runs are interleaved (bare, sqlmon, ...) so a load
spike on the machine hits all measurements alike. See benchmarks/README.md for what each number
means. Data and projects come from benchmarks/generate.py (created here when missing).

    (a) bare scan   one query reading every monitored column once: count(*), and per numeric
                    column sum/min/max, per string column count/max, over the whole table (both
                    windows); also over the current window only. duckdb Python API, same
                    `threads` and `memory_limit` as sqlmon's profile.
    (b) sqlmon      sqlmon.run() of the suite (generate.write_project) through the Python API:
                    cold = the first run in a fresh process with no history store (no cached
                    reference profile); steady = a second run in the same process (reference
                    baseline cached in memory: only the current window is scanned). Variants:
                    fused (the adapter's default policy), fused + both windows in one scan
                    (`fuse_windows=True`, when this sqlmon has it), unfused (`fuse=False`), and
                    `history`: a fresh process whose first run finds the baselines recorded in the
                    history store by an earlier process (when this sqlmon has a history store).
                    The Python heap peak comes from one extra, untimed run under tracemalloc.
    (c) Evidently   DataDriftPreset on the same rows from Parquet, in benchmarks/.venv-evidently
                    (created on first use; skipped with a message when it cannot be installed).
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate as gen  # noqa: E402

VENV = HERE / ".venv-evidently"
VENV_PY = VENV / "bin" / "python"
EVIDENTLY_REQUIREMENTS = ["evidently", "pandas<3", "pyarrow"]   # evidently 0.7 breaks on pandas 3
EVIDENTLY_ENV = {"DO_NOT_TRACK": "1", "EVIDENTLY_DISABLE_TELEMETRY": "1"}


# --- children: one measurement per process, one JSON line on stdout --------------------------

def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024        # Linux: KiB


def bare_scan_sql(window: str) -> str:
    parts = ["count(*)"]
    for c in gen.NUMERIC + gen.MODEL:
        parts += [f"sum({c})", f"min({c})", f"max({c})"]
    for c in gen.CATEGORICAL:
        parts += [f"count({c})", f"max({c})"]
    parts.append("max(ts)")
    where = f" WHERE ts >= TIMESTAMP '{gen.SPLIT}' AND ts < TIMESTAMP '{gen.CUR_END}'" if window == "current" else ""
    return f"SELECT {', '.join(parts)} FROM main.events{where}"


def child_bare(args: argparse.Namespace) -> dict:
    import duckdb
    sql = bare_scan_sql(args.window)
    start = time.perf_counter()
    con = duckdb.connect(str(gen.db_path(args.rows)), read_only=True,
                         config={"threads": args.threads, "memory_limit": args.memory_limit})
    con.execute(sql).fetchall()
    con.close()
    return {"seconds": time.perf_counter() - start, "maxrss_mib": _maxrss_mib(), "queries": 1,
            "memory_limit": args.memory_limit, "threads": args.threads}


def _run_params() -> dict:
    from sqlmon import runner  # older sqlmon: `sqlmon.run` was a lazy wrapper, so inspect the real one
    return dict(inspect.signature(runner.run).parameters)


def _run_kwargs(variant: str, sqlmon_threads: int) -> dict:
    accepted = _run_params()
    kw: dict = {"as_of": gen.AS_OF, "write_artifacts": True}
    if variant == "unfused":
        kw["fuse"] = False
    if variant == "fused_windows":
        if "fuse_windows" not in accepted:
            raise SystemExit("this sqlmon has no fuse_windows option")
        kw["fuse_windows"] = True
    if "threads" in accepted:
        kw["threads"] = sqlmon_threads
    return kw


def _classify(sql: str) -> str:
    s = sql.lower()
    kept = "sqlmon_sample_" in s            # DuckDB: the reference sample, drawn once per run and kept
    window = ("ref+cur" if gen.REF_START in s and gen.CUR_END in s else "ref" if gen.REF_START in s or kept
              else "cur" if gen.CUR_END in s else "all")
    if "using sample" in s and "count(" not in s:
        kind = "reference sample draw"
    elif "quantile" in s:
        kind = "profile quantiles (sample)" if "using sample" in s or kept else "profile quantiles"
    elif '"vmin"' in s:
        kind = "profile n/min/max"
    elif "least(floor(" in s:
        kind = "model score histogram"
    elif "sqlmon_values" in s and "over ()" in s:
        kind = "category counts"
    elif "sqlmon_values" in s and "coalesce(sum(n)" in s:
        kind = "accepted values"
    elif "sqlmon_values" in s:
        kind = "top values (sample)" if "using sample" in s or kept else "top values"
    elif "using sample" in s or kept:
        kind = "histograms (sample)"
    elif 'as "le_0' in s:
        kind = "fused aggregates + histograms"
    elif "group by" in s:
        kind = "histogram"
    else:
        kind = "fused aggregates"
    return f"{kind} [{window}]"


def _queries(rr) -> list[dict]:
    return [{"seconds": q.seconds, "kind": _classify(q.sql), "rows": q.rows, "tests": len(q.tests),
             "sql": q.sql} for q in rr.queries]


def _verdicts(rr) -> dict:
    out = {}
    for r in rr.results:
        if r.test_type == "drift" and r.column:
            out[r.column] = r.status
    return out


def child_sqlmon(args: argparse.Namespace) -> dict:
    t0 = time.perf_counter()
    import duckdb  # noqa: F401  -- the driver, imported before the timer as in child_bare (sqlmon imports it lazily)

    from sqlmon import runner
    import_s = time.perf_counter() - t0
    project = gen.project_path(args.rows)
    kw = _run_kwargs(args.variant, args.sqlmon_threads)
    if "session" in _run_params():               # the in-memory baseline cache belongs to a Session
        from sqlmon.session import Session
        kw["session"] = Session()
    if args.tracemalloc:
        import tracemalloc
        tracemalloc.start()
    runs = []
    for _ in range(2):                           # cold (or history-warm), then steady in-process
        if args.tracemalloc:
            tracemalloc.reset_peak()
        start = time.perf_counter()
        rr = runner.run(project, profiles_dir=project, **kw)
        seconds = time.perf_counter() - start
        run = {"seconds": seconds, "queries": _queries(rr), "statuses": rr.by_status(), "exit_code": rr.exit_code,
               "verdicts": _verdicts(rr), "maxrss_mib": _maxrss_mib(),
               "results": {r.unique_id: [r.status, r.metric] for r in rr.results}}
        if args.tracemalloc:
            run["heap_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        runs.append(run)
        del rr
    return {"import_s": import_s, "cold": runs[0], "steady": runs[1], "maxrss_mib": _maxrss_mib(),
            "kwargs": {k: v for k, v in kw.items() if k not in ("as_of", "session")}}


# --- orchestration ------------------------------------------------------------------------------

def spawn(argv: list[str], timeout: float, python: str = sys.executable, env: dict | None = None) -> dict:
    try:
        proc = subprocess.run([python, *argv], capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {timeout:.0f}s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"ok": False, "error": f"exit {proc.returncode}: " + " | ".join(tail)}
    out = json.loads(lines[-1])
    out.setdefault("ok", True)
    return out


def child_argv(kind: str, rows: int, args: argparse.Namespace, **extra) -> list[str]:
    argv = [__file__, "--child", kind, "--rows", str(rows), "--threads", str(args.threads),
            "--memory-limit", args.memory_limit, "--sqlmon-threads", str(args.sqlmon_threads)]
    for k, v in extra.items():
        if v is True:
            argv.append(f"--{k.replace('_', '-')}")
        elif v not in (None, False):
            argv += [f"--{k.replace('_', '-')}", str(v)]
    return argv


def wipe_state(rows: int) -> None:
    """No history store and no artifacts: the next run starts cold (the history lives in `.sqlmon/`
    since 0.2, in `target/` before)."""
    shutil.rmtree(gen.project_path(rows) / "target", ignore_errors=True)
    shutil.rmtree(gen.project_path(rows) / ".sqlmon", ignore_errors=True)


def load_avg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def ensure_evidently(log) -> str | None:
    """Create benchmarks/.venv-evidently when missing. Returns None, or why Evidently is skipped."""
    if VENV_PY.exists():
        probe = subprocess.run([str(VENV_PY), "-c", "import evidently, pandas, pyarrow"], capture_output=True,
                               text=True, env={**os.environ, **EVIDENTLY_ENV})
        if probe.returncode == 0:
            return None
        log("benchmarks/.venv-evidently exists but cannot import evidently; reinstalling")
    else:
        log("creating benchmarks/.venv-evidently (python -m venv; pip install evidently) ...")
        made = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
        if made.returncode != 0:
            return f"python -m venv failed: {made.stderr.strip()[-300:]}"
    pip = subprocess.run([str(VENV_PY), "-m", "pip", "install", "-q", *EVIDENTLY_REQUIREMENTS],
                         capture_output=True, text=True, env={**os.environ, **EVIDENTLY_ENV})
    if pip.returncode != 0:
        return "pip install evidently failed: " + pip.stderr.strip().splitlines()[-1][:300]
    return None


def med(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt_s(v: float | None) -> str:
    return "—" if v is None else (f"{v:.3f}" if v < 10 else f"{v:.1f}")


def fmt_x(num: float | None, den: float | None) -> str:
    return "—" if num is None or not den else f"{num / den:.2f}×"


def measure_size(rows: int, args: argparse.Namespace, log) -> dict:
    gen.generate(rows, parquet=rows in args.evidently_rows and not args.no_evidently, threads=args.threads,
                 memory_limit=args.memory_limit)
    _, model_tests = gen.write_project(rows, threads=args.threads, memory_limit=args.memory_limit)
    accepted = _run_params()
    variants = [v for v in args.variants if v != "fused_windows" or "fuse_windows" in accepted]
    has_history = "history" in accepted
    res: dict = {"rows": rows, "model_tests": model_tests, "load_before": load_avg(), "bare": [], "bare_current": [],
                 **{v: [] for v in variants}, "history": [], "errors": [],
                 "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    timeout = args.timeout
    for rep in range(args.repeat):
        log(f"[{rows:,}] repetition {rep + 1}/{args.repeat} (load {load_avg()})")
        for key, window in (("bare", "all"), ("bare_current", "current")):
            out = spawn(child_argv("bare", rows, args, window=window), timeout)
            (res[key] if out.get("ok") else res["errors"]).append(out if out.get("ok") else f"{key}: {out['error']}")
        for v in variants:
            wipe_state(rows)
            out = spawn(child_argv("sqlmon", rows, args, variant=v), timeout)
            (res[v] if out.get("ok") else res["errors"]).append(out if out.get("ok") else f"{v}: {out['error']}")
            if v == "fused" and has_history and out.get("ok"):
                # the fused run left its history store: a new process finds the baselines there
                out = spawn(child_argv("sqlmon", rows, args, variant="fused"), timeout)
                (res["history"] if out.get("ok") else res["errors"]).append(
                    out if out.get("ok") else f"history: {out['error']}")
    wipe_state(rows)
    heap = spawn(child_argv("sqlmon", rows, args, variant="fused", tracemalloc=True), timeout)
    res["heap"] = heap if heap.get("ok") else None
    if not heap.get("ok"):
        res["errors"].append(f"tracemalloc: {heap['error']}")
    res["evidently"], res["evidently_skipped"] = [], None
    if args.no_evidently:
        res["evidently_skipped"] = "--no-evidently"
    elif rows not in args.evidently_rows:
        res["evidently_skipped"] = f"not run at this size (--evidently-rows {' '.join(map(str, args.evidently_rows))})"
    else:
        why = ensure_evidently(log)
        if why:
            res["evidently_skipped"] = why
            log(f"Evidently skipped: {why}")
        else:
            cols = {"numeric": list(gen.NUMERIC + gen.MODEL), "categorical": list(gen.CATEGORICAL)}
            for rep in range(args.evidently_repeat):
                log(f"[{rows:,}] Evidently run {rep + 1}/{args.evidently_repeat} (load {load_avg()})")
                out = spawn([str(HERE / "evidently_bench.py"), str(gen.parquet_path(rows)), gen.SPLIT, json.dumps(cols)],
                            args.evidently_timeout, python=str(VENV_PY), env=EVIDENTLY_ENV)
                if out.get("ok"):
                    res["evidently"].append(out)
                else:
                    res["errors"].append(f"evidently: {out['error']}")
                    res["evidently_skipped"] = f"failed: {out['error']}"
                    break
    res["load_after"] = load_avg()
    res["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return res


def summarize(res: dict, args: argparse.Namespace) -> str:
    rows = res["rows"]
    bare = med([r["seconds"] for r in res["bare"]])
    bare_cur = med([r["seconds"] for r in res["bare_current"]])
    lines = [f"### {rows:,} rows ({rows // 2:,} reference + {rows - rows // 2:,} current)", "",
             f"{res['started']} → {res['finished']}; load average (1/5/15 min) before {res['load_before']}, "
             f"after {res['load_after']}; DuckDB threads {args.threads}, memory_limit {args.memory_limit} "
             f"(bare scan and sqlmon); sqlmon query threads {args.sqlmon_threads}; median of {args.repeat} "
             "processes per row (Evidently: of " + str(args.evidently_repeat) + ").", "",
             "| measurement | median s | runs s | × bare scan | in queries s | peak RSS MiB | queries |",
             "|---|---:|---|---:|---:|---:|---:|"]

    def row(name: str, secs: list[float], rss: list[float], queries: str = "1", den: float | None = bare,
            in_queries: list[float] | None = None) -> None:
        lines.append(f"| {name} | {fmt_s(med(secs))} | {', '.join(fmt_s(s) for s in secs)} | "
                     f"{fmt_x(med(secs), den)} | {fmt_s(med(in_queries)) if in_queries else '—'} | "
                     f"{fmt_s(max(rss)) if rss else '—'} | {queries} |")

    def in_q(runs: list[dict], phase: str) -> list[float]:
        return [sum(q["seconds"] for q in r[phase]["queries"]) for r in runs]

    row("(a) bare scan, all rows", [r["seconds"] for r in res["bare"]], [r["maxrss_mib"] for r in res["bare"]])
    row("(a′) bare scan, current window", [r["seconds"] for r in res["bare_current"]],
        [r["maxrss_mib"] for r in res["bare_current"]])
    names = {"fused": "sqlmon fused", "fused_windows": "sqlmon fused, both windows in one scan",
             "unfused": "sqlmon unfused (`fuse=False`)"}
    for v in [v for v in ("fused", "fused_windows", "unfused") if v in res]:
        runs = res[v]
        if not runs:
            continue
        for phase, label in (("cold", "cold"), ("steady", "steady (reference cached in memory)")):
            q = sorted({len(r[phase]["queries"]) for r in runs})
            row(f"(b) {names[v]}, {label}", [r[phase]["seconds"] for r in runs], [r["maxrss_mib"] for r in runs],
                "/".join(map(str, q)), in_queries=in_q(runs, phase))
    if res["history"]:
        runs = res["history"]
        q = sorted({len(r["cold"]["queries"]) for r in runs})
        row("(b) sqlmon fused, new process after a run that recorded history", [r["cold"]["seconds"] for r in runs],
            [r["maxrss_mib"] for r in runs], "/".join(map(str, q)), in_queries=in_q(runs, "cold"))
    ev = res["evidently"]
    fused_cold = med([r["cold"]["seconds"] for r in res.get("fused", [])])
    if ev:
        row("(c) Evidently DataDriftPreset (Parquet → pandas + report)", [r["seconds"] for r in ev],
            [r["maxrss_kib"] / 1024 for r in ev], "—")
        lines.append(f"| (c) of which the report alone | {fmt_s(med([r['report_s'] for r in ev]))} | "
                     f"{', '.join(fmt_s(r['report_s']) for r in ev)} | | | | |")
    lines.append("")
    fused = res.get("fused", [])
    cold = med([r["cold"]["seconds"] for r in fused])
    steady = med([r["steady"]["seconds"] for r in fused])
    target_lines = []
    if cold and bare:
        target_lines.append(f"- suite cold / bare scan = **{cold / bare:.2f}×** (floor ≤ 4×, aim 2×): "
                            + ("met" if cold / bare <= 2 else "floor met, aim not" if cold / bare <= 4 else "NOT met"))
    if steady and bare:
        target_lines.append(f"- suite steady / bare scan = **{steady / bare:.2f}×** (floor ≤ 2×, aim 1.3×): "
                            + ("met" if steady / bare <= 1.3 else "floor met, aim not" if steady / bare <= 2 else "NOT met")
                            + (f"; vs the current-window bare scan {steady / bare_cur:.2f}×" if bare_cur else ""))
    if ev and fused_cold:
        ratio = med([r["seconds"] for r in ev]) / fused_cold
        report_ratio = med([r["report_s"] for r in ev]) / fused_cold
        target_lines.append(f"- Evidently / sqlmon cold = **{ratio:.1f}×** (report alone {report_ratio:.1f}×; "
                            f"target ≥ 20×): {'met' if ratio >= 20 else 'NOT met'}")
    elif res["evidently_skipped"]:
        target_lines.append(f"- Evidently: skipped ({res['evidently_skipped']})")
    heap = res.get("heap")
    if heap:
        target_lines.append(f"- Python heap peak (tracemalloc, untimed extra process): cold "
                            f"{heap['cold']['heap_peak_mib']:.1f} MiB, steady {heap['steady']['heap_peak_mib']:.1f} MiB; "
                            f"import sqlmon and duckdb {heap['import_s']:.2f}s (not in the timings)")
    if fused:
        st = fused[0]["cold"]["statuses"]
        target_lines.append(f"- suite: {sum(st.values())} tests ({', '.join(f'{v} {k}' for k, v in st.items() if v)}), "
                            f"model tests: {', '.join(res['model_tests']) or 'none (no model-quality test types in this sqlmon)'}")
    lines += target_lines
    lines += ["", verdict_table(res), ""]
    if fused:
        lines += [slow_queries(fused), ""]
    if res["errors"]:
        lines += ["Errors:", *[f"- {e}" for e in res["errors"]], ""]
    return "\n".join(lines)


def verdict_table(res: dict) -> str:
    fused = res.get("fused", [])
    sq = fused[0]["cold"]["verdicts"] if fused else {}
    sq_steady = fused[0]["steady"]["verdicts"] if fused else {}
    ev = res["evidently"][0]["columns"] if res["evidently"] else {}
    lines = ["| column | injected | sqlmon cold | sqlmon steady | Evidently (method, score) | agree |",
             "|---|---|---|---|---|---|"]
    agree_all, n = True, 0
    for c in gen.MONITORED:
        expected = "drift" if c in gen.DRIFTED else "clean"
        s = {"fail": "drift", "pass": "clean"}.get(sq.get(c, "—"), sq.get(c, "—"))
        s2 = {"fail": "drift", "pass": "clean"}.get(sq_steady.get(c, "—"), sq_steady.get(c, "—"))
        e = ev.get(c)
        e_txt = "—" if e is None else f"{'drift' if e['drifted'] else 'clean'} ({e['method']}, {e['value']:.3g})"
        verdicts = [s, s2] + ([("drift" if e["drifted"] else "clean")] if e else [])
        ok = all(v == expected for v in verdicts)
        agree_all &= ok
        n += 1
        lines.append(f"| {c} | {expected} | {s} | {s2} | {e_txt} | {'yes' if ok else '**NO**'} |")
    head = (f"Drift verdicts vs the injected drift ({'all ' + str(n) + ' columns agree' if agree_all else 'DISAGREEMENT'}"
            f"{'' if ev else '; Evidently not run at this size'}):")
    return head + "\n\n" + "\n".join(lines)


def slow_queries(fused: list[dict], top: int = 8) -> str:
    # per-query timings of the median cold fused run
    runs = sorted(fused, key=lambda r: r["cold"]["seconds"])
    pick = runs[len(runs) // 2]
    out = []
    for phase in ("cold", "steady"):
        qs = pick[phase]["queries"]
        total = sum(q["seconds"] for q in qs)
        by_kind: dict[str, list[float]] = {}
        for q in qs:
            by_kind.setdefault(q["kind"], []).append(q["seconds"])
        out.append(f"Where the fused {phase} run spends its time ({len(qs)} queries, {total:.2f}s in queries of "
                   f"{pick[phase]['seconds']:.2f}s total):")
        out.append("")
        out.append("| query kind [window] | queries | seconds | share |")
        out.append("|---|---:|---:|---:|")
        for kind, secs in sorted(by_kind.items(), key=lambda kv: -sum(kv[1])):
            out.append(f"| {kind} | {len(secs)} | {sum(secs):.3f} | {sum(secs) / max(total, 1e-9):.0%} |")
        out.append("")
        if phase == "cold":
            out.append(f"Slowest {top} queries of that cold run:")
            out.append("")
            out.append("| s | kind | SQL (start) |")
            out.append("|---:|---|---|")
            for q in sorted(qs, key=lambda q: -q["seconds"])[:top]:
                sql = re.sub(r"\s+", " ", q["sql"])[:150].replace("|", "\\|")
                out.append(f"| {q['seconds']:.3f} | {q['kind']} | `{sql}…` |")
            out.append("")
    return "\n".join(out)


def heap_table(results: list[dict]) -> str:
    lines = ["### Python heap and RSS by row count (fused suite)", "",
             "| rows | heap peak cold MiB | heap peak steady MiB | peak RSS sqlmon MiB | peak RSS bare scan MiB |",
             "|---:|---:|---:|---:|---:|"]
    for res in results:
        heap = res.get("heap")
        fused = res.get("fused", [])
        lines.append(f"| {res['rows']:,} | {heap['cold']['heap_peak_mib']:.1f} | {heap['steady']['heap_peak_mib']:.1f} | "
                     f"{max(r['maxrss_mib'] for r in fused):.0f} | {max(r['maxrss_mib'] for r in res['bare']):.0f} |"
                     if heap and fused and res["bare"] else f"| {res['rows']:,} | — | — | — | — |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="sqlmon issue-5 benchmark (see the module docstring)")
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads (bare scan and sqlmon)")
    ap.add_argument("--memory-limit", default="4GB", help="DuckDB memory_limit (bare scan and sqlmon)")
    ap.add_argument("--sqlmon-threads", type=int, default=1, help="sqlmon's concurrent queries (run(threads=))")
    ap.add_argument("--variants", nargs="+", default=["fused", "fused_windows", "unfused"],
                    choices=["fused", "fused_windows", "unfused"])
    ap.add_argument("--evidently-rows", type=int, nargs="*", default=[1_000_000])
    ap.add_argument("--evidently-repeat", type=int, default=3)
    ap.add_argument("--evidently-timeout", type=float, default=900)
    ap.add_argument("--no-evidently", action="store_true")
    ap.add_argument("--timeout", type=float, default=600, help="per sqlmon / bare-scan process")
    ap.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    # child mode
    ap.add_argument("--child", choices=["bare", "sqlmon"], help=argparse.SUPPRESS)
    ap.add_argument("--window", default="all", help=argparse.SUPPRESS)
    ap.add_argument("--variant", default="fused", help=argparse.SUPPRESS)
    ap.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        args.rows = args.rows[0]
        out = child_bare(args) if args.child == "bare" else child_sqlmon(args)
        print(json.dumps(out, default=str))
        return 0

    def log(msg: str) -> None:
        print(f"{datetime.now().strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)

    import duckdb

    import sqlmon
    started = time.perf_counter()
    cmd = "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    head = [f"## sqlmon benchmark — {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}", "",
            f"`{cmd}` · sqlmon {sqlmon.__version__} (git {_git_rev()}) · duckdb {duckdb.__version__} · "
            f"Python {sys.version.split()[0]} · {os.cpu_count()} cores · as_of {gen.AS_OF}", ""]
    results, sections = [], []
    for rows in args.rows:
        res = measure_size(rows, args, log)
        results.append(res)
        (gen.DATA / f"results_{rows}.json").write_text(json.dumps(res, indent=1, default=str))
        sections.append(summarize(res, args))
        log(f"[{rows:,}] done\n" + sections[-1])
    md = "\n".join(head + sections + [heap_table(results), "",
                                      f"Total benchmark wall time: {time.perf_counter() - started:.0f}s."])
    print(md)
    if args.out:
        args.out.write_text(md + "\n")
    return 0


def _git_rev() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(HERE), "status", "--porcelain", "--untracked-files=no", "--", "../sqlmon"],
                               capture_output=True, text=True)
        return rev.stdout.strip() + ("+dirty sqlmon/" if dirty.stdout.strip() else "")
    except OSError:
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())

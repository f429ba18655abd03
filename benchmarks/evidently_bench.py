"""Evidently's DataDriftPreset on the benchmark table -- run by benchmarks/run.py inside its own
venv (benchmarks/.venv-evidently), never imported by sqlmon.

    benchmarks/.venv-evidently/bin/python benchmarks/evidently_bench.py PARQUET SPLIT COLUMNS_JSON

Loads the Parquet file into pandas (as an Evidently user would), splits it at SPLIT on `ts`
into reference and current, runs `Report([DataDriftPreset()])` with the numeric/categorical
columns declared, and prints one JSON line: load and report seconds, peak RSS, and per column
the method, score, threshold and drift verdict Evidently chose (its defaults: at > 1000 rows,
normed Wasserstein >= 0.1 for numeric and Jensen-Shannon distance >= 0.1 for categorical).
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("EVIDENTLY_DISABLE_TELEMETRY", "1")


def _plain(o):
    """numpy scalars (bool_, float64) -> Python."""
    return o.item() if hasattr(o, "item") else str(o)


def main() -> int:
    parquet, split, columns_json = sys.argv[1], sys.argv[2], sys.argv[3]
    columns = json.loads(columns_json)                   # {"numeric": [...], "categorical": [...]}
    t0 = time.perf_counter()
    import pandas as pd
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset
    import_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    wanted = columns["numeric"] + columns["categorical"]
    df = pd.read_parquet(parquet, columns=["ts", *wanted])
    cut = pd.Timestamp(split)
    ref = df.loc[df["ts"] < cut, wanted].reset_index(drop=True)
    cur = df.loc[df["ts"] >= cut, wanted].reset_index(drop=True)
    del df
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    definition = DataDefinition(numerical_columns=columns["numeric"], categorical_columns=columns["categorical"])
    report = Report([DataDriftPreset()])
    snapshot = report.run(Dataset.from_pandas(cur, data_definition=definition),
                          Dataset.from_pandas(ref, data_definition=definition))
    report_s = time.perf_counter() - t0

    per_column, drifted_count = {}, None
    for m in snapshot.dict()["metrics"]:
        cfg = m.get("config", {})
        kind = cfg.get("type", "")
        if kind.endswith("ValueDrift"):
            method, threshold, value = cfg.get("method", ""), cfg.get("threshold"), m.get("value")
            p_value = "p_value" in method.lower()
            drifted = None if value is None or threshold is None else \
                (value < threshold if p_value else value >= threshold)
            per_column[cfg["column"]] = {"method": method, "value": value, "threshold": threshold,
                                         "drifted": None if drifted is None else bool(drifted)}
        elif kind.endswith("DriftedColumnsCount"):
            drifted_count = m.get("value", {}).get("count")
    import evidently
    print(json.dumps({"ok": True, "version": evidently.__version__, "pandas": pd.__version__,
                      "import_s": import_s, "load_s": load_s, "report_s": report_s, "seconds": load_s + report_s,
                      "rows": len(ref) + len(cur), "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "columns": per_column, "drifted_count": drifted_count}, default=_plain))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

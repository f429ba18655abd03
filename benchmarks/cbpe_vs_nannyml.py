"""Estimated performance before labels (issue 25): sqlmon's in-warehouse CBPE against the realised
metric and against NannyML's CBPE on the same rows.

    python benchmarks/cbpe_vs_nannyml.py [--reference 20000] [--chunk 5000] [--chunks 4] [--seed 0]

Scenarios (scores s of a binary classifier, labels drawn per row):
  no shift            reference and analysis scores from the same distribution, labels ~ Bernoulli(s)
  covariate shift     analysis scores shifted up (Beta(4, 3) instead of Beta(1.2, 1.2)); relation holds
  miscalibrated       as covariate shift, but labels ~ Bernoulli(s^2) everywhere (scores overconfident)
  concept shift       covariate shift, and in the analysis labels ~ Bernoulli(s^3): the relation changes

sqlmon: a DuckDB warehouse table (reference labelled, analysis days without labels), a project
with `estimated_*` tests, one `sqlmon.run` per analysis day. NannyML 0.13 `CBPE` (chunk = one day)
runs in its own venv, benchmarks/.venv-nannyml (created here when missing: nannyml==0.13.1 with
pandas<3 and statsmodels, which its plots import), fitted on the same reference rows. Printed: per scenario and metric, the realised value
(scikit-learn on the hidden labels, mean over the days), each estimate's mean absolute error, and
sqlmon's error in units of its own standard error (|z| <= ~2 expected when the relation holds).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-nannyml"
METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc")
SCENARIOS = {
    "no shift": dict(cur=(1.2, 1.2), link=lambda s: s, cur_link=None),
    "covariate shift": dict(cur=(4, 3), link=lambda s: s, cur_link=None),
    "miscalibrated": dict(cur=(4, 3), link=lambda s: s**2, cur_link=None),
    "concept shift": dict(cur=(4, 3), link=lambda s: s, cur_link=lambda s: s**3),
}

NANNYML = r"""
import json, sys, warnings
import pandas as pd, nannyml as nml
warnings.filterwarnings("ignore")
ref, ana, chunk = pd.read_parquet(sys.argv[1]), pd.read_parquet(sys.argv[2]), int(sys.argv[3])
est = nml.CBPE(y_pred_proba="score", y_pred="pred", y_true="label", problem_type="classification_binary",
               metrics=["accuracy", "precision", "recall", "f1", "roc_auc"], chunk_size=chunk)
est.fit(ref)
res = est.estimate(ana.drop(columns=["label"])).filter(period="analysis").to_df()
out = {m: [float(v) for v in res[(m, "value")]] for m in ["accuracy", "precision", "recall", "f1", "roc_auc"]}
print(json.dumps(out))
"""


def nannyml_python() -> Path | None:
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "nannyml==0.13.1", "pandas<3", "pyarrow", "statsmodels"], check=True)
    return py


def data(rng, scenario, n_ref, chunk, chunks):
    sc = SCENARIOS[scenario]
    ref_s = rng.beta(1.2, 1.2, n_ref)
    ref_y = (rng.random(n_ref) < sc["link"](ref_s)).astype(int)
    cur_s = rng.beta(*sc["cur"], chunk * chunks)
    cur_y = (rng.random(chunk * chunks) < (sc["cur_link"] or sc["link"])(cur_s)).astype(int)
    return ref_s, ref_y, cur_s, cur_y


def realised(s, y):
    pred = (s >= 0.5).astype(int)
    return {"accuracy": accuracy_score(y, pred), "precision": precision_score(y, pred, zero_division=0),
            "recall": recall_score(y, pred), "f1": f1_score(y, pred), "roc_auc": roc_auc_score(y, s)}


def sqlmon_estimates(root: Path, ref_s, ref_y, cur_s, chunk, chunks) -> list[dict[str, tuple[float, float]]]:
    """One `sqlmon.run` per analysis day: {metric: (estimate, standard error)} per day."""
    from sqlmon.runner import run
    n_ref = len(ref_s)
    ts_ref = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n_ref) * (7 * 86400 / n_ref), unit="s")
    ts_cur = pd.Timestamp("2024-01-08") + pd.to_timedelta(
        np.arange(chunk * chunks) // chunk * 86400 + np.arange(chunk * chunks) % chunk * (86400 / chunk), unit="s")
    frame = pd.DataFrame({"ts": np.concatenate([ts_ref, ts_cur]), "score": np.concatenate([ref_s, cur_s]),
                          "label": pd.array(np.concatenate([ref_y, np.full(len(cur_s), -1)]), dtype="Int64")})
    frame.loc[n_ref:, "label"] = pd.NA
    con = duckdb.connect(str(root / "w.duckdb"))
    con.register("frame", frame)
    con.execute("CREATE OR REPLACE TABLE scored AS SELECT * FROM frame")
    con.close()
    (root / "sqlmon_project.yml").write_text("name: cbpe\nprofile: cbpe\n")
    (root / "profiles.yml").write_text("cbpe:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
                                       "      path: w.duckdb\n")
    (root / "monitors").mkdir(exist_ok=True)
    (root / "monitors" / "m.yml").write_text(
        "version: 1\nmonitors:\n  - name: m\n    relation: main.scored\n    timestamp: ts\n"
        "    current: {last: 1 day}\n    reference: {between: ['2024-01-01', '2024-01-08']}\n"
        "    model: {task: binary_classification, score: score, label: label}\n"
        f"    tests: [{', '.join('estimated_' + m for m in METRICS)}]\n")
    out = []
    for day in range(chunks):
        rr = run(root, as_of=f"2024-01-{9 + day:02d}", history=False, write_artifacts=False)
        out.append({r.name.removeprefix("estimated_"): (r.metric, r.details.get("standard_error")) for r in rr.results})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", type=int, default=20000)
    ap.add_argument("--chunk", type=int, default=5000)
    ap.add_argument("--chunks", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    py = nannyml_python()
    print(f"reference {a.reference:,} labelled rows; {a.chunks} analysis days of {a.chunk:,} rows; mean over the days\n")
    print(f"{'scenario':16} {'metric':10} {'realised':>9} {'sqlmon':>8} {'|err|':>7} {'|z|':>5} "
          f"{'NannyML':>8} {'|err|':>7}")
    for scenario in SCENARIOS:
        rng = np.random.default_rng(a.seed)
        ref_s, ref_y, cur_s, cur_y = data(rng, scenario, a.reference, a.chunk, a.chunks)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            ours = sqlmon_estimates(root, ref_s, ref_y, cur_s, a.chunk, a.chunks)
            ref_df = pd.DataFrame({"score": ref_s, "pred": (ref_s >= 0.5).astype(int), "label": ref_y})
            ana_df = pd.DataFrame({"score": cur_s, "pred": (cur_s >= 0.5).astype(int), "label": cur_y})
            ref_df.to_parquet(root / "ref.parquet")
            ana_df.to_parquet(root / "ana.parquet")
            (root / "nml.py").write_text(NANNYML)
            done = subprocess.run([str(py), str(root / "nml.py"), str(root / "ref.parquet"), str(root / "ana.parquet"),
                                   str(a.chunk)], capture_output=True, text=True)
            theirs = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
            if theirs is None:
                print(f"NannyML failed: {done.stderr.strip()[-500:]}")
        truth = [realised(cur_s[d * a.chunk:(d + 1) * a.chunk], cur_y[d * a.chunk:(d + 1) * a.chunk])
                 for d in range(a.chunks)]
        for m in METRICS:
            real = [t[m] for t in truth]
            est = [o[m][0] for o in ours]
            z = [abs(e - r) / o[m][1] for e, r, o in zip(est, real, ours) if o[m][1]]
            nml_err = np.mean([abs(e - r) for e, r in zip(theirs[m], real)]) if theirs else float("nan")
            nml_mean = np.mean(theirs[m]) if theirs else float("nan")
            print(f"{scenario:16} {m:10} {np.mean(real):9.4f} {np.mean(est):8.4f} "
                  f"{np.mean([abs(e - r) for e, r in zip(est, real)]):7.4f} {np.mean(z):5.2f} "
                  f"{nml_mean:8.4f} {nml_err:7.4f}")


if __name__ == "__main__":
    main()

"""Model-quality metrics computed by sqlmon in DuckDB vs scikit-learn on the same rows.

End to end: numpy data -> a DuckDB table -> a sqlmon project with every metric -> `sqlmon.run`
-> the metric in the result, compared with scikit-learn on the same (labelled) rows. Reports the
largest difference over the seeds: absolute for ROC/PR AUC (also at the non-default bin counts,
to show why the default is what it is), relative for everything else.

    python benchmarks/model_quality_vs_sklearn.py                 # README "Model-quality tests"
    python benchmarks/model_quality_vs_sklearn.py --seeds 2 --sizes 3000 20000
    python benchmarks/model_quality_vs_sklearn.py --prevalences 0.002 --sizes 3000 10001 30000 --no-other

Binary scores: ``shifted`` = sigmoid(N(0,1) + 1.5·y − 1) (as tests/test_quality.py);
``calibrated`` = sigmoid(logit(prevalence) + N(0,1) + 1.5·y − 0.5), whose scores crowd near the
prevalence (the hard case for equal-width bins at 1% positives).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from pathlib import Path

import duckdb
import numpy as np
from sklearn import metrics as skm

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sqlmon.runner import run  # noqa: E402

BIN_VARIANTS = {"roc_auc": "roc_auc", "pr_auc": "pr_auc"}
AUC_TESTS = [f"{{{m}: {{name: {m}_{b}, bins: {b}}}}}" for m in BIN_VARIANTS for b in (1000, 10000)]
BINARY_TESTS = ["accuracy", "precision", "recall", "f1", "fpr", "fnr", "positive_rate", "label_rate",
                "log_loss", "brier", "calibration_error", "roc_auc", "pr_auc", *AUC_TESTS]


def project(root: Path) -> None:
    (root / "sqlmon_project.yml").write_text("name: bench\nprofile: bench\n"
                                             "defaults:\n" + "".join(
                                                 f"  {t}: {{min_labelled: 1}}\n" for t in (
                                                     "accuracy", "precision", "recall", "f1", "fpr", "fnr",
                                                     "positive_rate", "label_rate", "log_loss", "brier",
                                                     "calibration_error", "roc_auc", "pr_auc", "mae", "rmse",
                                                     "mape", "r2", "mean_error", "max_error",
                                                     "error_quantile")))
    (root / "profiles.yml").write_text("bench:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: wh.duckdb}\n")
    (root / "monitors").mkdir(exist_ok=True)
    tests = lambda names: "\n".join(f"      - {t}" for t in names)  # noqa: E731
    (root / "monitors" / "m.yml").write_text(f"""version: 1
monitors:
  - name: b
    relation: main.b
    model: {{task: binary_classification, score: p, label: y}}
    tests:
{tests(BINARY_TESTS)}
  - name: r
    relation: main.r
    model: {{task: regression, prediction: yhat, label: y}}
    tests:
{tests(["mae", "rmse", "mape", "r2", "mean_error", "max_error", "{error_quantile: {q: 0.9}}"])}
  - name: c
    relation: main.c
    model: {{task: multiclass_classification, prediction: yhat, label: y}}
    tests:
{tests([f"{{{m}: {{name: {m}_{a}, average: {a}}}}}" for m in ("precision", "recall", "f1")
        for a in ("macro", "micro", "weighted")] + ["accuracy"])}
""")


def load(root: Path, name: str, **cols: np.ndarray) -> None:
    con = duckdb.connect(str(root / "wh.duckdb"))
    try:
        select = ", ".join(f"unnest(${i + 1}) AS {c}" for i, c in enumerate(cols))
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {select}", [v.tolist() for v in cols.values()])
    finally:
        con.close()


def binary(kind: str, seed: int, n: int, prevalence: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    if kind == "shifted":
        z = rng.normal(size=n) + 1.5 * y - 1
    else:
        z = np.log(prevalence / (1 - prevalence)) + rng.normal(size=n) + 1.5 * y - 0.5
    return y, 1 / (1 + np.exp(-z))


def metrics(root: Path, monitor: str) -> dict[str, float | None]:
    rr = run(root, select=[monitor], write_artifacts=False, history=False)
    return {r.name: r.metric for r in rr.results}


def rel(a: float | None, b: float) -> float:
    if a is None:
        return float("inf")
    return abs(a - b) / max(abs(b), 1e-300)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[3000, 20000, 200000, 1000000])
    ap.add_argument("--prevalences", type=float, nargs="+", default=[0.5, 0.01])
    ap.add_argument("--no-other", action="store_true", help="skip the regression and multiclass part")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sqlmon_mq_"))
    project(root)
    load(root, "r", y=np.zeros(1), yhat=np.zeros(1))
    load(root, "c", y=np.zeros(1, int), yhat=np.zeros(1, int))
    print("| scores | rows | positives | ROC AUC (default) | PR AUC (default) | ROC 10k bins | PR 10k bins "
          "| ROC 1k bins | PR 1k bins | count & score metrics (max rel) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind in ("shifted", "calibrated"):
        for n in args.sizes:
            for prevalence in args.prevalences:
                worst: dict[str, float] = {}
                for seed in range(args.seeds):
                    y, p = binary(kind, seed, n, prevalence)
                    load(root, "b", y=y, p=p)
                    got = metrics(root, "b")
                    yhat = (p >= 0.5).astype(int)
                    tn, fp, fn, tp = skm.confusion_matrix(y, yhat).ravel()
                    roc, ap_ = skm.roc_auc_score(y, p), skm.average_precision_score(y, p)
                    diffs = {"roc_auc": abs(got["roc_auc"] - roc), "pr_auc": abs(got["pr_auc"] - ap_)}
                    for b in (1000, 10000):
                        diffs[f"roc_{b}"] = abs(got[f"roc_auc_{b}"] - roc)
                        diffs[f"pr_{b}"] = abs(got[f"pr_auc_{b}"] - ap_)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        want = {"accuracy": skm.accuracy_score(y, yhat), "precision": skm.precision_score(y, yhat),
                                "recall": skm.recall_score(y, yhat), "f1": skm.f1_score(y, yhat),
                                "fpr": fp / (fp + tn), "fnr": fn / (fn + tp), "positive_rate": yhat.mean(),
                                "label_rate": y.mean(), "log_loss": skm.log_loss(y, p),
                                "brier": skm.brier_score_loss(y, p)}
                    diffs["counts"] = max(rel(got[k], v) for k, v in want.items() if v)
                    for k, v in diffs.items():
                        worst[k] = max(worst.get(k, 0.0), v)
                print(f"| {kind} | {n:,} | {prevalence:.1%} | {worst['roc_auc']:.1e} | {worst['pr_auc']:.1e} "
                      f"| {worst['roc_10000']:.1e} | {worst['pr_10000']:.1e} | {worst['roc_1000']:.1e} "
                      f"| {worst['pr_1000']:.1e} | {worst['counts']:.1e} |", flush=True)
    worst_r = worst_c = 0.0
    for seed in range(0 if args.no_other else args.seeds):
        rng = np.random.default_rng(seed)
        y = rng.normal(size=100_000) * 10 + 1e6
        y[:5000] = 0.0
        yhat = y + rng.normal(size=len(y)) * 3 + 0.5
        load(root, "r", y=y, yhat=yhat)
        got = metrics(root, "r")
        nz = y != 0
        want = {"mae": skm.mean_absolute_error(y, yhat), "rmse": skm.root_mean_squared_error(y, yhat),
                "r2": skm.r2_score(y, yhat), "mean_error": float(np.mean(yhat - y)),
                "max_error": skm.max_error(y, yhat),
                "mape": skm.mean_absolute_percentage_error(y[nz], yhat[nz]),
                "error_quantile": float(np.quantile(np.abs(yhat - y), 0.9))}
        worst_r = max(worst_r, max(rel(got[k], v) for k, v in want.items()))
        classes = np.array(["a", "b", "c", "d", "e"])
        yc = rng.choice(classes[:4], 100_000)
        yc_hat = np.where(rng.random(len(yc)) < 0.6, yc, rng.choice(classes, len(yc)))
        load(root, "c", y=yc, yhat=yc_hat)
        got = metrics(root, "c")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for m, fn in (("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)):
                for a in ("macro", "micro", "weighted"):
                    worst_c = max(worst_c, rel(got[f"{m}_{a}"], fn(yc, yc_hat, average=a)))
        worst_c = max(worst_c, rel(got["accuracy"], skm.accuracy_score(yc, yc_hat)))
    if args.no_other:
        return
    print(f"\nregression (100,000 rows, labels ~ 1e6 + N(0, 10²), 5% zero labels): max rel diff {worst_r:.1e}")
    print(f"multiclass (100,000 rows, 5 classes, macro/micro/weighted P/R/F1 + accuracy): max rel diff {worst_c:.1e}")


if __name__ == "__main__":
    main()

"""Model-quality test types end to end: YAML -> planner -> DuckDB -> metric, against scikit-learn.

Count-based metrics and regression errors: 1e-9 relative; ROC/PR AUC with the default binning:
0.001 absolute (a 1%-positive case included); multiclass averages vs `average=...`.
Tables are built here with numpy; the current window is 2024-01-09, the reference 2024-01-02..09.
"""
from __future__ import annotations

import math
import warnings
from datetime import datetime

import duckdb
import numpy as np
import pytest
from sklearn import metrics as skm

from sqlmon.testtypes.model_quality import ERROR_QUANTILE, TYPES

REL = 1e-9
CUR, REF = datetime(2024, 1, 9, 12), datetime(2024, 1, 5, 12)
BINARY_COUNT = ["accuracy", "precision", "recall", "f1", "fpr", "fnr", "positive_rate", "label_rate"]
BINARY_SCORE = ["roc_auc", "pr_auc", "log_loss", "brier", "calibration_error"]
REGRESSION = ["mae", "rmse", "mape", "r2", "mean_error", "max_error"]


def table(proj, name: str, ts=None, **cols) -> None:
    """CREATE TABLE name from equal-length Python/numpy columns (None = NULL); `ts` is one
    timestamp for every row (default: the current window) or a list."""
    names = list(cols)
    values = [c.tolist() if isinstance(c, np.ndarray) else list(c) for c in cols.values()]
    select = ", ".join(f"unnest(${i + 1}) AS {n}" for i, n in enumerate(names))
    if isinstance(ts, list):
        values.append(ts)
        select += f", unnest(${len(values)}) AS ts"
    else:
        select += f", TIMESTAMP '{(ts or CUR).isoformat(sep=' ')}' AS ts"
    con = duckdb.connect(str(proj.db))
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {select}", values)
    finally:
        con.close()


def monitor(proj, model: str, tests: list[str], relation: str = "main.s", extra: str = "") -> None:
    body = "\n".join(f"      - {t}" for t in tests)
    proj.monitors(f"""
version: 1
monitors:
  - name: m
    relation: {relation}
    timestamp: ts
    current: {{last: 1 day}}
    reference: {{previous: 7 days}}
    model: {model}
{extra}
    tests:
{body}
""")


def results(proj, **kw) -> dict:
    rr = proj.api(write_artifacts=False, history=False, **kw)
    return {r.unique_id.split(".")[-1]: r for r in rr.results}, rr


def binary_data(seed: int, n: int, prevalence: float):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    p = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.5 * y - 1)))
    return y, p


def close(got, want, rel=REL):
    assert got is not None, want
    assert math.isclose(got, want, rel_tol=rel, abs_tol=1e-12), (got, want)


def ece(y, p, bins=10):
    b = np.minimum(np.floor(p * bins), bins - 1).astype(int)
    n = np.bincount(b, minlength=bins)
    return float(np.sum(np.abs(np.bincount(b, p, bins) - np.bincount(b, y, bins))) / n.sum())


ALL_BINARY = [*BINARY_COUNT, *BINARY_SCORE]


# ---------------------------------------------------------------- binary vs sklearn
@pytest.mark.parametrize("n, prevalence", [(3000, 0.5), (20000, 0.01), (200000, 0.01)])
def test_binary_metrics_match_sklearn(proj, n, prevalence):
    y, p = binary_data(n, n, prevalence)
    labels = [None if i % 10 == 0 else int(v) for i, v in enumerate(y)]   # 10% not labelled yet
    table(proj, "s", y=labels, p=p)
    monitor(proj, "{task: binary_classification, score: p, label: y}", ALL_BINARY)
    got, _ = results(proj)
    keep = np.arange(n) % 10 != 0
    y, p = y[keep], p[keep]
    yhat = (p >= 0.5).astype(int)
    tn, fp, fn, tp = skm.confusion_matrix(y, yhat).ravel()
    want = {"accuracy": skm.accuracy_score(y, yhat), "precision": skm.precision_score(y, yhat),
            "recall": skm.recall_score(y, yhat), "f1": skm.f1_score(y, yhat), "fpr": fp / (fp + tn),
            "fnr": fn / (fn + tp), "positive_rate": yhat.mean(), "label_rate": y.mean(),
            "log_loss": skm.log_loss(y, p), "brier": skm.brier_score_loss(y, p), "calibration_error": ece(y, p)}
    for name, value in want.items():
        assert got[name].status == "pass", got[name].message
        close(got[name].metric, value)
        assert got[name].details["unlabelled"] == n - keep.sum()
    assert abs(got["roc_auc"].metric - skm.roc_auc_score(y, p)) < 1e-3
    assert abs(got["pr_auc"].metric - skm.average_precision_score(y, p)) < 1e-3
    assert got["accuracy"].details["tp"] == tp and got["accuracy"].details["judged"] == keep.sum()
    if n == 200000:      # continuous scores: many bins hold two scores -> binned, still < 0.001
        assert got["roc_auc"].details["mode"] == "binned"


def test_auc_exact_when_bins_hold_one_score(proj):
    y, p = binary_data(7, 5000, 0.05)
    p = np.round(p, 3)                      # 1001 distinct scores: each bin holds one
    table(proj, "s", y=y, p=p)
    monitor(proj, "{task: binary_classification, score: p, label: y}", ["roc_auc", "pr_auc"])
    got, _ = results(proj)
    assert got["roc_auc"].details["mode"] == "exact"
    close(got["roc_auc"].metric, skm.roc_auc_score(y, p), 1e-12)
    close(got["pr_auc"].metric, skm.average_precision_score(y, p), 1e-12)


def test_prediction_column_with_string_labels(proj):
    y, p = binary_data(3, 1000, 0.3)
    labels = np.where(y == 1, "churn", "stay")
    pred = np.where(p >= 0.4, "churn", "stay")
    table(proj, "s", y=labels, pred=pred, p=p)
    monitor(proj, "{task: binary_classification, prediction: pred, score: p, label: y, positive: churn}",
            ["precision", "recall", "f1", "log_loss", "roc_auc"])
    got, _ = results(proj)
    close(got["precision"].metric, skm.precision_score(labels, pred, pos_label="churn"))
    close(got["recall"].metric, skm.recall_score(labels, pred, pos_label="churn"))
    close(got["f1"].metric, skm.f1_score(labels, pred, pos_label="churn"))
    close(got["log_loss"].metric, skm.log_loss(labels, 1 - p))  # sklearn's 1-D proba: last class
    assert abs(got["roc_auc"].metric - skm.roc_auc_score(labels == "churn", p)) < 1e-3


def test_string_labels_without_positive_is_a_clear_error(proj):
    table(proj, "s", y=["a", "b", "a", "b"], p=[0.1, 0.9, 0.2, 0.8])
    monitor(proj, "{task: binary_classification, score: p, label: y}", ["accuracy"])
    got, rr = results(proj)
    assert got["accuracy"].status == "error" and "positive" in got["accuracy"].message
    assert rr.exit_code == 2


def test_decision_threshold(proj):
    y, p = binary_data(4, 2000, 0.4)
    table(proj, "s", y=y, p=p)
    monitor(proj, "{task: binary_classification, score: p, label: y, decision_threshold: 0.3}", ["recall"])
    close(results(proj)[0]["recall"].metric, skm.recall_score(y, p >= 0.3))


# ---------------------------------------------------------------- multiclass
@pytest.mark.parametrize("average", ["macro", "micro", "weighted"])
def test_multiclass_matches_sklearn(proj, average):
    rng = np.random.default_rng(11)
    n, classes = 3000, np.array(["cat", "dog", "eel", "fox"])
    y = rng.choice(classes[:3], n)                               # fox: only ever predicted
    yhat = np.where(rng.random(n) < 0.6, y, rng.choice(classes, n))
    table(proj, "s", y=y, yhat=yhat)
    monitor(proj, "{task: multiclass_classification, prediction: yhat, label: y}",
            [f"precision: {{average: {average}}}", f"recall: {{average: {average}}}",
             f"f1: {{average: {average}}}", "accuracy"])
    got, rr = results(proj)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, fn in [("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)]:
            close(got[name].metric, fn(y, yhat, average=average))
    close(got["accuracy"].metric, skm.accuracy_score(y, yhat))
    cm = {(a, b): c for a, b, c in got["accuracy"].details["confusion_matrix"]}
    want = skm.confusion_matrix(y, yhat, labels=classes)
    assert all(cm.get((a, b), 0) == want[i, j] for i, a in enumerate(classes) for j, b in enumerate(classes))
    assert len(rr.queries) == 2        # one scalar scan + one GROUP BY label, prediction for all four


def test_multiclass_default_average_is_macro(proj):
    table(proj, "s", y=[0, 1, 2, 0, 1, 2], yhat=[0, 2, 1, 0, 0, 1])
    monitor(proj, "{task: multiclass_classification, prediction: yhat, label: y}", ["f1: {min_labelled: 1}"])
    got, _ = results(proj)
    close(got["f1"].metric, skm.f1_score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], average="macro"))
    assert got["f1"].details["average"] == "macro"


# ---------------------------------------------------------------- regression
def test_regression_matches_sklearn(proj):
    rng = np.random.default_rng(5)
    n = 4000
    y = rng.normal(size=n) * 10 + 1e6
    y[:200] = 0.0                                  # zero labels: excluded from MAPE and counted
    yhat = y + rng.normal(size=n) * 3 + 0.5
    labels = [None if i % 17 == 0 else v for i, v in enumerate(y.tolist())]
    table(proj, "s", y=labels, yhat=yhat)
    monitor(proj, "{task: regression, prediction: yhat, label: y}",
            [*REGRESSION, "error_quantile: {q: 0.9}", "error_quantile: {name: p50, q: 0.5}"])
    got, rr = results(proj)
    keep = np.arange(n) % 17 != 0
    y, yhat = y[keep], yhat[keep]
    nz = y != 0
    want = {"mae": skm.mean_absolute_error(y, yhat), "rmse": skm.root_mean_squared_error(y, yhat),
            "r2": skm.r2_score(y, yhat), "mean_error": float(np.mean(yhat - y)),
            "max_error": skm.max_error(y, yhat),
            "mape": skm.mean_absolute_percentage_error(y[nz], yhat[nz]),
            "error_quantile": float(np.quantile(np.abs(yhat - y), 0.9)),
            "p50": float(np.quantile(np.abs(yhat - y), 0.5))}
    for name, value in want.items():
        assert got[name].status == "pass", got[name].message
        close(got[name].metric, value)
    assert got["mape"].details["zero_labels_excluded"] == int((~nz).sum())
    assert got["mae"].details["unlabelled"] == int((~keep).sum())
    assert len(rr.queries) == 1                    # every regression metric in one scan


def test_regression_zero_labels_and_constant_label(proj):
    table(proj, "s", y=[0.0, 0.0, 0.0, 0.0], yhat=[1.0, 0.0, 2.0, 0.5])
    monitor(proj, "{task: regression, prediction: yhat, label: y}",
            ["mape: {min_labelled: 1}", "r2: {min_labelled: 1}", "mae: {min_labelled: 1}"])
    got, rr = results(proj)
    assert got["mape"].status == "skipped" and got["mape"].metric is None
    assert "every label is zero" in got["mape"].message
    assert got["r2"].status == "skipped" and "constant" in got["r2"].message
    close(got["mae"].metric, 0.875)
    assert rr.exit_code == 0


# ---------------------------------------------------------------- edge cases
def test_one_class_only_auc_is_skipped_not_nan(proj):
    table(proj, "s", y=[1] * 200, p=np.linspace(0, 1, 200))
    monitor(proj, "{task: binary_classification, score: p, label: y}",
            ["roc_auc: {error_if: '< 0.7'}", "pr_auc", "fpr", "precision"])
    got, _ = results(proj)
    for name in ("roc_auc", "pr_auc"):
        assert got[name].status == "skipped" and got[name].metric is None
        assert "only one class" in got[name].message
    assert got["fpr"].status == "skipped" and "no negative labels" in got["fpr"].message
    assert got["precision"].status == "pass"


def test_all_labels_null_is_skipped_with_counts(proj):
    table(proj, "s", y=[None] * 300, p=np.linspace(0, 1, 300))
    monitor(proj, "{task: binary_classification, score: p, label: y}", ALL_BINARY)
    got, rr = results(proj)
    for name in ALL_BINARY:
        r = got[name]
        assert r.status == "skipped" and r.metric is None, (name, r.message)
        assert "fewer than min_labelled = 100" in r.message and "300 rows still have a NULL label" in r.message
        assert r.details["unlabelled"] == 300
    assert rr.exit_code == 1            # a monitor that judged nothing is not green (README "Exit codes")


def test_min_labelled_guard(proj):
    y, p = binary_data(9, 150, 0.5)
    table(proj, "s", y=[None if i < 100 else v for i, v in enumerate(y.tolist())], p=p)
    monitor(proj, "{task: binary_classification, score: p, label: y}",
            ["accuracy", "brier: {min_labelled: 50}"])
    got, _ = results(proj)
    assert got["accuracy"].status == "skipped" and "50 labelled rows" in got["accuracy"].message
    assert got["brier"].status == "pass" and got["brier"].details["judged"] == 50


def test_constant_predictions(proj):
    y, _ = binary_data(2, 500, 0.3)
    table(proj, "s", y=y, p=[0.3] * 500)
    monitor(proj, "{task: binary_classification, score: p, label: y}",
            ["precision", "recall", "f1", "roc_auc", "pr_auc", "positive_rate"])
    got, _ = results(proj)
    assert got["precision"].status == "skipped" and "no positive predictions" in got["precision"].message
    assert got["recall"].metric == 0.0 and got["f1"].metric == 0.0 and got["positive_rate"].metric == 0.0
    close(got["roc_auc"].metric, 0.5)
    close(got["pr_auc"].metric, skm.average_precision_score(y, np.full(500, 0.3)))


@pytest.mark.parametrize("bad", [1.2, -0.1, float("nan")])
def test_probabilities_outside_unit_interval_error_names_the_column(proj, bad):
    y, p = binary_data(1, 400, 0.5)
    p[7] = bad
    table(proj, "s", y=y, churn_prob=p)
    monitor(proj, "{task: binary_classification, score: churn_prob, label: y}", [*BINARY_SCORE, "accuracy"])
    got, rr = results(proj)
    for name in BINARY_SCORE:
        assert got[name].status == "error", (name, got[name].message)
        assert "churn_prob" in got[name].message and "outside [0, 1]" in got[name].message
    assert got["accuracy"].status == "pass"
    assert rr.exit_code == 2


def _binned_oracle(y: list, p: list, bins: int) -> dict:
    """What the ROC/PR AUC histogram must hold, from the rule itself: labelled rows with a score
    in [0, 1] go to bin min(floor(p * bins), bins - 1); a NULL score is `score_null`; any other
    non-NULL score (NaN, +-inf, < 0, > 1), labelled or not, is invalid."""
    placed = [(min(math.floor(s * bins), bins - 1), s, lab) for lab, s in zip(y, p)
              if lab is not None and s is not None and 0 <= s <= 1]
    scores: dict[int, set] = {}
    for b, s, _ in placed:
        scores.setdefault(b, set()).add(s)
    return {"positives": sum(lab == 1 for *_, lab in placed),
            "negatives": sum(lab != 1 for *_, lab in placed),
            "bins": len(scores), "mode": "exact" if all(len(v) == 1 for v in scores.values()) else "binned",
            "score_null": sum(lab is not None and s is None for lab, s in zip(y, p)),
            "invalid": sum(s is not None and not 0 <= s <= 1 for s in p),
            "bin": [b for b, *_ in placed], "y": [lab for *_, lab in placed]}


@pytest.mark.parametrize("bins", [100_000, 10])
def test_auc_score_bins_at_the_edges(proj, bins):
    """The score-bin key (`CASE WHEN p > 1 OR p < 0 THEN -1 WHEN p = 1 THEN bins - 1 ELSE
    FLOOR(p * bins) END`, no LEAST) and the negatives read as labelled - positives: the bins,
    counts, mode and metrics must be those of `min(floor(p * bins), bins - 1)` over the labelled
    rows, at p = 1, just below it, -0.0, the smallest subnormal, NULL labels and NULL scores."""
    below_one, above_one = math.nextafter(1.0, 0.0), math.nextafter(1.0, 2.0)
    y, p = binary_data(11, 3000, 0.3)
    y, p = [int(v) for v in y], [float(v) for v in p]
    edges = [0.0, -0.0, 5e-324, 1.0, 1.0, 1.0, below_one, below_one, 1 - 0.5 / bins, 0.99999, 1e-5, None, None]
    for i, v in enumerate(edges):
        p[i * 7] = v
        y[i * 7 + 1] = None              # unlabelled rows never count, whatever their score
    y[7 * 3], y[7 * 4] = 1, 0            # p = 1 with both classes
    table(proj, "s", y=y, p=p)
    opts = f"{{bins: {bins}, segment_bins: 10}}"
    monitor(proj, "{task: binary_classification, score: p, label: y}",
            [f"roc_auc: {opts}", f"pr_auc: {opts}"])
    got, _ = results(proj)
    want = _binned_oracle(y, p, bins)
    for name, ref in (("roc_auc", skm.roc_auc_score), ("pr_auc", skm.average_precision_score)):
        r = got[name]
        assert r.status == "pass", r.message
        assert {k: r.details[k] for k in ("positives", "negatives", "bins", "mode", "score_null")} == \
            {k: want[k] for k in ("positives", "negatives", "bins", "mode", "score_null")}
        close(r.metric, ref(want["y"], want["bin"]), 1e-12)     # a bin = tied scores
    assert want["score_null"] == 2 and want["mode"] == "binned"

    # invalid scores next to p = 1: an error, with the valid rows' counts in the details
    bad = [above_one, 1.000001, 1 + 0.5 / bins, 2.0, float("nan"), float("inf"), float("-inf"), -1e-9, -0.5]
    for i, v in enumerate(bad):
        p[1000 + i * 5] = v
    p[1003] = above_one                  # an unlabelled invalid score counts as well
    y[1003] = None
    table(proj, "s", y=y, p=p)
    got, _ = results(proj)
    want = _binned_oracle(y, p, bins)
    assert want["invalid"] == len(bad) + 1
    for name in ("roc_auc", "pr_auc"):
        r = got[name]
        assert r.status == "error" and f"has {want['invalid']} scores outside [0, 1]" in r.message
        assert {k: r.details[k] for k in ("positives", "negatives", "bins", "invalid", "score_null")} == \
            {k: want[k] for k in ("positives", "negatives", "bins", "invalid", "score_null")}


@pytest.mark.parametrize("top, mode", [(0.25, "exact"), (math.nextafter(1.0, 0.0), "binned")])
def test_auc_mode_with_scores_of_one(proj, top, mode):
    """p = 1 shares the top bin with the scores just below it: one score per bin is exact."""
    y = [i % 3 == 0 for i in range(400)]
    table(proj, "s", y=[int(v) for v in y], p=[1.0 if i % 2 else top for i in range(400)])
    monitor(proj, "{task: binary_classification, score: p, label: y}", ["roc_auc"])
    got, _ = results(proj)
    assert got["roc_auc"].details["mode"] == mode and got["roc_auc"].details["bins"] == (2 if mode == "exact" else 1)


def test_score_histogram_read_by_column_equals_rows(proj, monkeypatch):
    """The window's ROC/PR histogram is a columnar request: DuckDB hands it over as numpy columns
    (no tuple or dict per row) and roc_auc and pr_auc read it once; the default adapter path (rows
    transposed, as on PostgreSQL and Spark) gives the same results, segments and compare too. A
    histogram that shares its GROUP BY with calibration bins is read from rows."""
    from sqlmon.adapters.base import Adapter
    from sqlmon.adapters.duckdb import DuckDBAdapter
    from sqlmon.testtypes import model_sources
    y, p = binary_data(21, 6000, 0.2)
    n = len(y)
    labels = [None if i % 17 == 0 else int(v) for i, v in enumerate(y)]
    scores = [None if i % 23 == 0 else float(v) for i, v in enumerate(p)]
    scores[5], scores[6] = 1.0, 0.0
    ts = [CUR if i % 3 else REF for i in range(n)]
    table(proj, "s", ts=ts, y=labels, p=scores, seg=[("a", "b", "c")[i % 3] for i in range(n)])
    monitor(proj, "{task: binary_classification, score: p, label: y}",
            ["roc_auc", "pr_auc", "roc_auc: {name: by_seg, segments: [seg], min_segment_rows: 1}",
             "pr_auc: {name: vs_ref, compare: reference}",
             "roc_auc: {name: shared, bins: 10}", "calibration_error: {bins: 10}"])
    fetched, reads = [], []
    monkeypatch.setattr(DuckDBAdapter, "execute_columns",
                        lambda self, sql, f=DuckDBAdapter.execute_columns: fetched.append(sql) or f(self, sql))
    monkeypatch.setattr(model_sources, "_read_sparse_histogram",
                        lambda *a, f=model_sources._read_sparse_histogram: reads.append(a[1]) or f(*a))
    got, rr = results(proj)
    assert len(fetched) == 2 and all("100000" in sql for sql in fetched)     # current and reference
    assert sorted(reads).count(100_000) == 2                                  # once per window
    assert sum("CAST(9 AS INT)" in q.sql for q in rr.queries) == 1            # shared: one GROUP BY
    monkeypatch.setattr(DuckDBAdapter, "execute_columns", Adapter.execute_columns)
    again, _ = results(proj)
    assert {k: (r.status, r.metric, r.details) for k, r in again.items()} == \
        {k: (r.status, r.metric, r.details) for k, r in got.items()}
    assert all(r.status in ("pass", "warn") for r in got.values()), {k: r.message for k, r in got.items()}


# ---------------------------------------------------------------- configuration errors
@pytest.mark.parametrize("model, test, message", [
    (None, "accuracy", "needs a `model:` block on monitor 'm'"),
    ("{task: regression, prediction: p, label: y}", "roc_auc", "is a binary_classification metric"),
    ("{task: binary_classification, prediction: p, label: y}", "roc_auc", "needs `model.score`"),
    ("{task: regression, score: p, label: y}", "mae", "needs `model.prediction`"),
    ("{task: binary_classification, score: p, label: y}", "f1: {average: micro}", "`average` applies to multiclass"),
    ("{task: binary_classification, score: p, label: y}", "accuracy: {min_labeled: 3}", "unknown key 'min_labeled'"),
])
def test_configuration_errors_cite_file_and_line(proj, model, test, message):
    table(proj, "s", ts=[CUR], y=[1], p=[0.5])
    text = f"""
version: 1
monitors:
  - name: m
    relation: main.s
{f'    model: {model}' if model else ''}
    tests:
      - row_count
      - {test}
"""
    proj.monitors(text)
    out = proj.cli("run", "--as-of", "2024-01-10")
    assert out.exit_code == 2
    assert message in out.output and "monitors.yml:" in out.output, out.output


def test_missing_model_column_did_you_mean(proj):
    table(proj, "s", churned=[1, 0, 1], p=[0.5, 0.2, 0.9])
    monitor(proj, "{task: binary_classification, score: p, label: churn}", ["accuracy", "roc_auc"])
    got, rr = results(proj)
    for name in ("accuracy", "roc_auc"):
        assert got[name].status == "error"
        assert "model column 'churn'" in got[name].message and "did you mean 'churned'" in got[name].message
        assert "monitors.yml:" in got[name].message
    assert rr.exit_code == 2


# ---------------------------------------------------------------- segments
def segmented_table(proj, seed: int = 0):
    rng = np.random.default_rng(seed)
    countries = np.array(["DE"] * 3000 + ["FR"] * 2000 + ["US"] * 1500 + ["XX"] * 40)
    y = (rng.random(len(countries)) < 0.4).astype(int)
    signal = np.where(countries == "FR", 0.2, 2.0)          # the model is poor in FR
    p = 1 / (1 + np.exp(-(rng.normal(size=len(y)) + signal * y - signal / 2)))
    table(proj, "s", y=y, p=p, country=countries, plan=rng.choice(["a", "b"], len(y)))
    return y, p, countries


def test_segments_judge_every_segment(proj):
    y, p, countries = segmented_table(proj)
    monitor(proj, "{task: binary_classification, score: p, label: y}",
            ["roc_auc: {error_if: '< 0.7'}", "accuracy: {error_if: '< 0.6'}", "brier", "row_count"],
            extra="    segments: [country]")
    got, rr = results(proj)
    r = got["roc_auc"]
    assert r.status == "fail"                                   # FR breaches, overall does not
    assert r.details["overall"] > 0.7 and r.details["worst_segment"] == {"country": "FR"}
    fr = countries == "FR"
    assert abs(r.metric - skm.roc_auc_score(y[fr], p[fr])) < 1e-3          # 10,000 bins per segment
    seg = {s["segment"]["country"]: s for s in r.details["segments"]}
    assert set(seg) == {"DE", "FR", "US"}                       # XX: below min_segment_rows
    assert r.details["segments_below_min_rows"] == 1 and seg["FR"]["status"] == "fail"
    assert seg["DE"]["status"] == "pass" and seg["DE"]["rows"] == 3000
    de = countries == "DE"
    close(got["brier"].details["overall"], skm.brier_score_loss(y, p))
    worst_brier = max(skm.brier_score_loss(y[countries == c], p[countries == c]) for c in ("DE", "FR", "US"))
    close(got["brier"].metric, worst_brier)
    acc = {s["segment"]["country"]: s["metric"] for s in got["accuracy"].details["segments"]}
    close(acc["DE"], skm.accuracy_score(y[de], p[de] >= 0.5))
    # one scalar scan + one per-segment scalar scan + histograms (overall, per segment)
    assert len(rr.queries) == 4, [q.sql[:80] for q in rr.queries]


def test_segments_on_the_test_override_the_monitor_and_guards(proj):
    segmented_table(proj)
    monitor(proj, "{task: binary_classification, score: p, label: y}",
            ["accuracy: {segments: [plan], min_segment_rows: 10, max_segments: 1}",
             "recall: {segments: []}", "f1: {segments: [contry]}"],
            extra="    segments: [country]")
    got, _ = results(proj)
    a = got["accuracy"].details
    assert a["segment_columns"] == ["plan"] and a["segments_judged"] == 1 and a["segments_beyond_max"] == 1
    assert "segments" not in got["recall"].details
    assert got["f1"].status == "error" and "did you mean 'country'" in got["f1"].message


def test_segments_multiclass_and_regression(proj):
    rng = np.random.default_rng(3)
    n = 2000
    seg = rng.choice(["a", "b"], n)
    y = rng.normal(size=n)
    yhat = y + rng.normal(size=n) * np.where(seg == "a", 0.1, 1.0)
    cls = rng.choice(["x", "y", "z"], n)
    cls_hat = np.where((seg == "a") | (rng.random(n) < 0.5), cls, "x")
    table(proj, "s", y=y, yhat=yhat, seg=seg, c=cls, chat=cls_hat)
    proj.monitors("""
version: 1
monitors:
  - name: reg
    relation: main.s
    segments: [seg]
    model: {task: regression, prediction: yhat, label: y}
    tests: [mae, {error_quantile: {q: 0.9}}]
  - name: mc
    relation: main.s
    segments: [seg]
    model: {task: multiclass_classification, prediction: chat, label: c}
    tests: [{f1: {average: weighted}}]
""")
    rr = proj.api(write_artifacts=False, history=False)
    got = {r.unique_id: r for r in rr.results}
    b = seg == "b"
    close(got["reg._.mae"].metric, skm.mean_absolute_error(y[b], yhat[b]))
    close(got["reg._.error_quantile"].metric, float(np.quantile(np.abs(yhat - y)[b], 0.9)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        close(got["mc._.f1"].metric, skm.f1_score(cls[b], cls_hat[b], average="weighted"))
        close(got["mc._.f1"].details["overall"], skm.f1_score(cls, cls_hat, average="weighted"))


# ---------------------------------------------------------------- compare: reference
def compare_tables(proj):
    yc, pc = binary_data(21, 3000, 0.4)
    yr, pr = binary_data(22, 3000, 0.4)
    pc = np.where(np.random.default_rng(0).random(3000) < 0.3, 1 - pc, pc)   # the model got worse
    table(proj, "s", ts=[CUR] * 3000 + [REF] * 3000, y=np.concatenate([yc, yr]), p=np.concatenate([pc, pr]),
          country=np.tile(["DE", "FR"], 3000))
    return (yc, pc), (yr, pr)


def test_compare_reference_difference_and_ratio(proj):
    (yc, pc), (yr, pr) = compare_tables(proj)
    monitor(proj, "{task: binary_classification, score: p, label: y}",
            ["accuracy: {compare: reference, error_if: '< -0.05'}",
             "log_loss: {compare: {reference: ratio}, warn_if: '> 1.2'}",
             "roc_auc: {compare: reference, error_if: '< -0.05'}"])
    got, _ = results(proj)
    d = skm.accuracy_score(yc, pc >= 0.5) - skm.accuracy_score(yr, pr >= 0.5)
    assert d < -0.05 and got["accuracy"].status == "fail"
    close(got["accuracy"].metric, d)
    close(got["log_loss"].metric, skm.log_loss(yc, pc) / skm.log_loss(yr, pr))
    assert got["log_loss"].status == "warn"
    want = skm.roc_auc_score(yc, pc) - skm.roc_auc_score(yr, pr)
    assert abs(got["roc_auc"].metric - want) < 2e-3 and got["roc_auc"].status == "fail"


def test_compare_with_segments(proj):
    (yc, pc), (yr, pr) = compare_tables(proj)
    monitor(proj, "{task: binary_classification, score: p, label: y}",
            ["brier: {compare: reference, error_if: '> 0.05'}"], extra="    segments: [country]")
    got, _ = results(proj)
    cc, rc = np.tile(["DE", "FR"], 1500), np.tile(["DE", "FR"], 1500)
    diffs = {c: skm.brier_score_loss(yc[cc == c], pc[cc == c]) - skm.brier_score_loss(yr[rc == c], pr[rc == c])
             for c in ("DE", "FR")}
    worst = max(diffs, key=diffs.get)
    close(got["brier"].metric, diffs[worst])
    assert got["brier"].details["worst_segment"] == {"country": worst}
    close(got["brier"].details["overall"], skm.brier_score_loss(yc, pc) - skm.brier_score_loss(yr, pr))


# ---------------------------------------------------------------- fusion
def test_all_model_tests_of_a_monitor_share_scans(proj):
    y, p = binary_data(8, 5000, 0.3)
    table(proj, "s", y=y, p=p, x=p * 10)
    monitor(proj, "{task: binary_classification, score: p, label: y}", [*ALL_BINARY, "row_count"],
            extra="    columns:\n      - name: x\n        tests: [not_null, {mean: {error_if: '> 100'}}]")
    fused = proj.api(write_artifacts=False, history=False)
    # one scan for every ungrouped measure (13 model tests + row_count + not_null + mean),
    # one GROUP BY for the ROC/PR histogram, one for the calibration bins
    assert len(fused.queries) == 3, [q.sql[:100] for q in fused.queries]
    assert sum("GROUP BY" not in q.sql for q in fused.queries) == 1
    expect = {r.unique_id: (r.status, r.metric, r.details) for r in fused.results}
    assert len(expect) == 16
    for kw in ({"fuse": False}, {"fuse_windows": True}, {"threads": 3}):
        other = proj.api(write_artifacts=False, history=False, **kw)
        assert {r.unique_id: (r.status, r.metric, r.details) for r in other.results} == expect, kw


def test_registry_has_every_metric():
    from sqlmon.judge import model_metrics as q
    from sqlmon.testtypes import TEST_TYPES
    names = {t.name for t in TYPES}
    assert names == {*q.METRICS, "error_quantile"} and names <= set(TEST_TYPES)
    assert all(t.level == "table" and t.metric for t in TYPES)
    assert ERROR_QUANTILE.tasks == (q.REGRESSION,)


def test_template_project_runs_model_tests(tmp_path):
    from click.testing import CliRunner

    from sqlmon.cli import main
    out = CliRunner().invoke(main, ["init", str(tmp_path / "demo")], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    from sqlmon.runner import run
    rr = run(tmp_path / "demo", write_artifacts=False, history=False)
    model = [r for r in rr.results if r.test_type in {t.name for t in TYPES}]
    assert len(model) >= 4 and all(r.status in ("pass", "warn") for r in model), \
        [(r.unique_id, r.status, r.message) for r in model]
    assert rr.exit_code == 0

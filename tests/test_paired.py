"""Champion vs challenger: the paired tests against raw-row implementations (statsmodels' McNemar,
a numerically differentiated delta method, scipy's paired t statistic), then through the warehouse
(`models:` on a monitor, `model:` and `versus:` on a test) and the load-time errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from sqlmon.judge.paired import CELLS, delta, mcnemar, paired_z


def rows(seed, n=4000, better=0.0):
    """Labels and two models' predictions; B is right a bit more often when `better` > 0."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.35).astype(int)
    pa = np.where(rng.random(n) < 0.8, y, 1 - y)
    pb = np.where(rng.random(n) < 0.8 + better, y, 1 - y)
    return y, pa, pb


@pytest.mark.parametrize("seed, n", [(0, 4000), (1, 40), (2, 200), (3, 12)])
@pytest.mark.parametrize("metric", ["accuracy", "recall", "specificity"])
def test_mcnemar_matches_statsmodels(seed, n, metric):
    y, pa, pb = rows(seed, n, better=0.03)
    keep = {"accuracy": np.ones(n, bool), "recall": y == 1, "specificity": y == 0}[metric]
    ra, rb = (pa == y)[keep], (pb == y)[keep]
    b, c = int(np.sum(ra & ~rb)), int(np.sum(~ra & rb))
    got = mcnemar(b, c, int(keep.sum()), int(ra.sum()), int(rb.sum()))
    table = [[int(np.sum(ra & rb)), b], [c, int(np.sum(~ra & ~rb))]]
    want = sm_mcnemar(table, exact=b + c < 25, correction=True)
    assert got.p_value == pytest.approx(want.pvalue, rel=1e-9, abs=1e-300)
    assert got.difference == pytest.approx(rb.mean() - ra.mean(), abs=1e-12)


def _metric(metric, pred, y):
    tp, fp, fn = np.sum(pred & y), np.sum(pred & ~y), np.sum(~pred & y)
    return tp / (tp + fp) if metric == "precision" else 2 * tp / (2 * tp + fp + fn)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("metric", ["precision", "f1"])
def test_delta_method_matches_a_numerical_gradient_on_raw_rows(seed, metric):
    y, pa, pb = rows(seed, better=0.02)
    y, pa, pb = y.astype(bool), pa.astype(bool), pb.astype(bool)
    counts = [float(np.sum((pa == bool(a)) & (pb == bool(b)) & (y == bool(t)))) for a, b, t in CELLS]
    got = delta(metric, counts)
    assert got.difference == pytest.approx(_metric(metric, pb, y) - _metric(metric, pa, y), abs=1e-12)
    # Var(D) = g' Sigma g / n with Sigma = diag(pi) - pi pi', g by central differences of D(pi)
    n, pi = sum(counts), np.array(counts) / sum(counts)

    def d_of(p):
        cells = dict(zip(CELLS, p))
        def m(model):
            tp = sum(v for c, v in cells.items() if c[model] and c[2])
            fp = sum(v for c, v in cells.items() if c[model] and not c[2])
            fn = sum(v for c, v in cells.items() if not c[model] and c[2])
            return tp / (tp + fp) if metric == "precision" else 2 * tp / (2 * tp + fp + fn)
        return m(1) - m(0)
    h = 1e-6
    g = np.array([(d_of(pi + h * e) - d_of(pi - h * e)) / (2 * h) for e in np.eye(8)])
    var = float(g @ (np.diag(pi) - np.outer(pi, pi)) @ g) / n
    assert got.statistic == pytest.approx(got.difference / math.sqrt(var), rel=1e-6)
    assert got.p_value == pytest.approx(2 * stats.norm.sf(abs(got.statistic)), rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_paired_z_is_scipys_paired_t_statistic(seed):
    rng = np.random.default_rng(seed)
    la, lb = rng.gamma(2, 0.2, 3000), rng.gamma(2, 0.2, 3000) * 0.98
    d = lb - la
    got = paired_z(len(d), float(la.mean()), float(lb.mean()), float(d.var(ddof=1)))
    t = stats.ttest_rel(lb, la)
    assert got.statistic == pytest.approx(t.statistic, rel=1e-9)
    assert got.p_value == pytest.approx(2 * stats.norm.sf(abs(t.statistic)), rel=1e-9)
    assert got.difference == pytest.approx(d.mean(), rel=1e-12)


def test_degenerate_inputs_do_not_divide_by_zero():
    assert mcnemar(0, 0, 10, 7, 7).p_value == 1.0
    assert mcnemar(0, 0, 0, 0, 0).difference is None
    assert delta("precision", [0, 0, 0, 0, 0, 0, 5, 5]).difference is None    # nobody predicted positive
    assert paired_z(1, 0.3, 0.2, None).p_value is None


# --- through the warehouse ---------------------------------------------------------------------

TWO_MODELS = """
CREATE OR REPLACE TABLE scored AS
WITH r AS (SELECT i, TIMESTAMP '2024-01-09' + INTERVAL (i) SECOND AS ts,
                  (hash(i) % 10000) / 10000.0 AS p, (hash(i * 31 + 7) % 10000) / 10000.0 AS u,
                  (hash(i * 17 + 3) % 10000) / 10000.0 AS noise
           FROM range(0, 20000) t(i))
SELECT ts, CASE WHEN u < p THEN 1 ELSE 0 END AS y,
       -- the champion sees the truth through more noise than the challenger
       least(1.0, greatest(0.0, p + (noise - 0.5) * 0.6)) AS score_v1,
       least(1.0, greatest(0.0, p + (noise - 0.5) * 0.2)) AS score_v2
FROM r
"""
MODELS = """
version: 1
monitors:
  - name: churn
    relation: main.scored
    timestamp: ts
    current: {last: 1 day}
    model: {task: binary_classification, label: y}
    models:
      champion: {score: score_v1}
      challenger: {score: score_v2}
    tests:
      - {accuracy: {model: challenger}}
      - accuracy
      - {accuracy: {model: challenger, versus: champion}}
      - {accuracy: {name: champion_vs_challenger, model: champion, versus: challenger}}
      - {recall: {model: challenger, versus: champion}}
      - {fpr: {model: challenger, versus: champion}}
      - {precision: {model: challenger, versus: champion}}
      - {f1: {model: challenger, versus: champion}}
      - {log_loss: {model: challenger, versus: champion}}
      - {brier: {model: challenger, versus: champion, error_if: "> 0"}}
      - {roc_auc: {model: challenger, versus: champion}}
"""


@pytest.fixture
def champion(proj):
    proj.sql(TWO_MODELS)
    proj.monitors(MODELS)
    return proj


def _raw(proj):
    import duckdb
    con = duckdb.connect(str(proj.db), read_only=True)
    try:
        y, s1, s2 = map(np.array, zip(*con.execute("SELECT y, score_v1, score_v2 FROM scored").fetchall()))
    finally:
        con.close()
    return y.astype(bool), s1.astype(float), s2.astype(float)


def test_champion_and_challenger_on_the_same_rows(champion):
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
    got = {r.name: r for r in champion.api(as_of="2024-01-10").results}
    assert {"accuracy_challenger", "accuracy", "accuracy_challenger_vs_champion", "champion_vs_challenger",
            "log_loss_challenger_vs_champion"} <= set(got)
    y, s1, s2 = _raw(champion)
    pa, pb = s1 >= 0.5, s2 >= 0.5
    assert got["accuracy"].metric == pytest.approx(np.mean(pa == y), rel=1e-12)              # the first model
    assert got["accuracy_challenger"].metric == pytest.approx(np.mean(pb == y), rel=1e-12)
    acc = got["accuracy_challenger_vs_champion"]
    ra, rb = pa == y, pb == y
    b, c = int(np.sum(ra & ~rb)), int(np.sum(~ra & rb))
    want = sm_mcnemar([[int(np.sum(ra & rb)), b], [c, int(np.sum(~ra & ~rb))]], exact=b + c < 25, correction=True)
    assert acc.metric == pytest.approx(rb.mean() - ra.mean(), abs=1e-12) and acc.metric > 0.02
    assert acc.details["p_value"] == pytest.approx(want.pvalue, rel=1e-9, abs=1e-300)
    assert acc.status == "pass"                                          # better: nothing to fear
    worse = got["champion_vs_challenger"]                                # the champion against the challenger
    assert worse.status == "fail" and worse.metric == pytest.approx(-acc.metric)
    assert "significantly" not in worse.message and worse.details["worse_by"] >= 0.01
    counts = [float(np.sum((pa == bool(i)) & (pb == bool(j)) & (y == bool(t)))) for i, j, t in CELLS]
    for metric in ("precision", "f1"):
        r = got[f"{metric}_challenger_vs_champion"]
        assert r.details["p_value"] == pytest.approx(delta(metric, counts).p_value, rel=1e-9, abs=1e-300)
        assert r.metric == pytest.approx(delta(metric, counts).difference, rel=1e-9)
    eps = np.finfo(np.float64).eps
    ll = lambda s: -np.where(y, np.log(np.clip(s, eps, 1 - eps)), np.log(np.clip(1 - s, eps, 1 - eps)))  # noqa: E731
    r = got["log_loss_challenger_vs_champion"]
    assert r.metric == pytest.approx(log_loss(y, s2) - log_loss(y, s1), rel=1e-6)
    assert r.details["statistic"] == pytest.approx(stats.ttest_rel(ll(s2), ll(s1)).statistic, rel=1e-9)
    r = got["brier_challenger_vs_champion"]
    assert r.metric == pytest.approx(brier_score_loss(y, s2) - brier_score_loss(y, s1), rel=1e-9)
    assert r.status == "pass" and r.metric < 0                           # thresholds judge the difference
    r = got["roc_auc_challenger_vs_champion"]
    assert r.metric == pytest.approx(roc_auc_score(y, s2) - roc_auc_score(y, s1), abs=2e-4)
    assert r.details["p_value"] is None and "no DeLong" in r.details["test"]
    fpr = got["fpr_challenger_vs_champion"]
    neg = ~y
    assert fpr.metric == pytest.approx(np.mean(pb[neg]) - np.mean(pa[neg]), abs=1e-12)


@pytest.mark.parametrize("change, message", [
    ("{accuracy: {model: challenger}}", None),
    ("{accuracy: {model: challanger}}", "names model 'challanger'"),
    ("{accuracy: {model: challenger, versus: challenger}}", "with itself"),
    ("{calibration_error: {model: challenger, versus: champion}}", "has no paired comparison"),
    ("{accuracy: {min_difference: 0.02}}", "`min_difference` is for a comparison"),
])
def test_comparison_mistakes_are_refused_at_load(champion, change, message):
    champion.monitors(MODELS.replace("      - {accuracy: {model: challenger}}\n", f"      - {change}\n", 1))
    res = champion.run("--as-of", "2024-01-10")
    if message is None:
        assert res.exit_code in (0, 1), res.output
        return
    assert res.exit_code == 2 and message in res.output and "monitors.yml:" in res.output, res.output


@pytest.mark.parametrize("monitor, message", [
    (MODELS.replace("challenger: {score: score_v2}", "challenger: {score: score_v2, label: other}"),
     "models share 'y'"),
    (MODELS.replace("model: {task: binary_classification, label: y}",
                    "model: {task: binary_classification, label: y, decision_threshold: 1.5}"), "decision_threshold"),
    (MODELS.replace("challenger: {score: score_v2}", "challenger: {score: score_v2, decision_threshold: -1}"),
     "decision_threshold"),
])
def test_model_declaration_mistakes_are_refused_at_load(champion, monitor, message):
    champion.monitors(monitor)
    res = champion.run("--as-of", "2024-01-10")
    assert res.exit_code == 2 and message in res.output and "monitors.yml:" in res.output, res.output


def test_a_nan_score_in_the_compared_rows_is_an_error_naming_the_column(champion):
    champion.sql("UPDATE scored SET score_v2 = 'NaN'::DOUBLE WHERE ts < TIMESTAMP '2024-01-09 00:00:05'")
    got = {r.name: r for r in champion.api(as_of="2024-01-10").results}
    r = got["accuracy_challenger_vs_champion"]
    assert r.status == "error" and "'score_v2'" in r.message and "5 compared rows" in r.message


def _readme_example() -> tuple[str, str]:
    """The two YAML blocks of README "Through the model's life"."""
    from pathlib import Path
    text = Path(__file__).resolve().parents[1].joinpath("README.md").read_text()
    part = text[text.index("## Through the model's life"):text.index("### Champion and challenger")]
    blocks = [b.split("```", 1)[0] for b in part.split("```yaml\n")[1:]]
    return blocks[0], blocks[1]


def test_the_readme_lifecycle_example_runs_in_each_stage(proj):
    project, monitors = _readme_example()
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\n" + project)
    proj.sql("""
        CREATE SCHEMA analytics;
        CREATE TABLE analytics.churn_scores AS
        WITH r AS (SELECT i, TIMESTAMP '2024-01-01' + INTERVAL (i * 60) SECOND AS scored_at,
                          (hash(i) % 10000) / 10000.0 AS p, (hash(i * 31 + 7) % 10000) / 10000.0 AS u,
                          (hash(i * 17 + 3) % 10000) / 10000.0 AS noise
                   FROM range(0, 60 * 24 * 40) t(i))
        SELECT scored_at, CASE WHEN scored_at < TIMESTAMP '2024-02-07' THEN CASE WHEN u < p THEN 1 ELSE 0 END END
                          AS churned,
               least(1.0, greatest(0.0, p + (noise - 0.5) * 0.6)) AS p_v1,
               least(1.0, greatest(0.0, p + (noise - 0.5) * 0.2)) AS p_v2
        FROM r;
        CREATE TABLE analytics.churn_holdout AS
        SELECT * EXCLUDE (churned), CASE WHEN ((hash(epoch(scored_at)) % 10000) / 10000.0) < p_v2 THEN 1 ELSE 0 END
               AS churned
        FROM analytics.churn_scores WHERE scored_at < TIMESTAMP '2024-01-15'
    """)
    proj.monitors(monitors)
    ran = {}
    for stage in ("validation", "shadow", "production"):
        rr = proj.api(as_of="2024-02-10", stage=stage)
        ran[stage] = {r.name or r.test_type: r for r in rr.results}
        assert all(r.stage == stage for r in rr.results)
        assert all(r.status in ("pass", "warn", "fail") for r in rr.results), [
            (r.unique_id, r.status, r.message) for r in rr.results if r.status not in ("pass", "warn", "fail")]
    assert set(ran["validation"]) == {"roc_auc_challenger", "accuracy_challenger_vs_champion"}
    assert ran["validation"]["roc_auc_challenger"].error_if == "< 0.80"
    assert ran["validation"]["roc_auc_challenger"].windows["current"]["start"] is None      # the whole holdout
    assert set(ran["shadow"]) == {"roc_auc_challenger", "accuracy_challenger_vs_champion",
                                  "log_loss_challenger_vs_champion", "drift"}
    assert set(ran["production"]) == {"roc_auc_challenger", "estimated_roc_auc_challenger", "drift"}
    # the realised AUC waits 3 days for labels; the estimate judges the newest week
    prod = ran["production"]
    assert prod["roc_auc_challenger"].windows["current"]["end"].startswith("2024-02-07")
    assert prod["estimated_roc_auc_challenger"].windows["current"]["end"].startswith("2024-02-10")

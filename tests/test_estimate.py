"""Estimated performance (CBPE from aggregates), the pure part: on synthetic data whose score ->
label relation holds, the estimates agree with the realised metric (scikit-learn on the raw rows)
within the stated standard error; miscalibrated scores are calibrated away; under concept shift
the estimate is off, as documented; the calibration's skip rule."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

from sqlmon.judge.estimate import Cell, calibrate, expect, min_rows

FINE = 1000


def cells_of(ref_s, ref_y, cur_s, threshold=0.5):
    """The aggregates the warehouse returns: per (fine bin, side of the threshold) cell."""
    def key(s):
        return np.minimum(np.floor(s * FINE), FINE - 1).astype(int) * 2 + (s >= threshold)
    k_ref, k_cur = key(ref_s), key(cur_s)
    out = []
    for k in sorted(set(k_ref) | set(k_cur)):
        in_ref = k_ref == k
        in_cur = k_cur == k
        out.append(Cell(bool(k % 2), float(ref_y[in_ref].sum()), float(in_ref.sum()), float(in_cur.sum()),
                        float(ref_s[in_ref].sum()), float(cur_s[in_cur].sum())))
    return out


def realised(s, y, threshold=0.5):
    pred = (s >= threshold).astype(int)
    return {"accuracy": accuracy_score(y, pred), "precision": precision_score(y, pred, zero_division=0),
            "recall": recall_score(y, pred), "f1": f1_score(y, pred), "roc_auc": roc_auc_score(y, s)}


def scenario(rng, n_ref, n_cur, cur_beta, link=lambda s: s, cur_link=None):
    ref_s = rng.beta(1.2, 1.2, n_ref)           # the reference covers the score range
    cur_s = rng.beta(*cur_beta, n_cur)
    ref_y = (rng.random(n_ref) < link(ref_s)).astype(int)
    cur_y = (rng.random(n_cur) < (cur_link or link)(cur_s)).astype(int)
    return ref_s, ref_y, cur_s, cur_y


@pytest.mark.parametrize("link", [lambda s: s, lambda s: s**2, lambda s: 0.2 + 0.6 * s],
                         ids=["calibrated", "overconfident", "compressed"])
@pytest.mark.parametrize("cur_beta", [(1.2, 1.2), (4, 3), (2, 5)], ids=["no shift", "covariate shift up", "covariate shift down"])
def test_estimates_agree_with_the_realised_metric_within_their_standard_error(link, cur_beta):
    zs = {m: [] for m in ("accuracy", "precision", "recall", "f1", "roc_auc")}
    for seed in range(20):
        rng = np.random.default_rng(seed)
        ref_s, ref_y, cur_s, cur_y = scenario(rng, 20_000, 5_000, cur_beta, link)
        est = expect(cells_of(ref_s, ref_y, cur_s), calibrate(cells_of(ref_s, ref_y, cur_s)))
        truth = realised(cur_s, cur_y)
        for m in zs:
            zs[m].append((est.metric(m) - truth[m]) / est.standard_errors[m])
    for m, z in zs.items():
        z = np.array(z)
        # standardised errors: centred, of unit spread (20 draws: loose bounds), never wild
        assert abs(z.mean()) < 0.8 and 0.4 < z.std() < 1.8 and np.abs(z).max() < 4.5, (m, z.mean(), z.std())


def test_expected_accuracy_is_the_exact_expectation_given_the_calibration():
    # each cell's mean score (reference and current) is its bin's rate: a calibrated model
    cells = [Cell(False, 10, 100, 50, 10, 5), Cell(False, 30, 100, 50, 30, 15), Cell(True, 60, 100, 200, 60, 120),
             Cell(True, 90, 100, 100, 90, 90)]
    cal = calibrate(cells)      # n = 400 -> m = 30: every cell is its own bin
    assert cal.rates == (0.1, 0.3, 0.6, 0.9) and cal.centres == (0.1, 0.3, 0.6, 0.9)
    assert cal.probability(0.45) == pytest.approx(0.45) and cal.probability(0.99) == 0.9   # joined, flat beyond
    est = expect(cells, cal)
    assert (est.tp, est.fp, est.fn, est.tn) == pytest.approx((210, 90, 20, 80))
    assert est.metric("accuracy") == pytest.approx(290 / 400) and est.metric("precision") == pytest.approx(0.7)
    assert est.metric("recall") == pytest.approx(210 / 230) and est.metric("f1") == pytest.approx(420 / 530)
    # AUC of expected positives/negatives per cell in score order
    pos, neg = [5, 15, 120, 90], [45, 35, 80, 10]
    below, area = 0.0, 0.0
    for p, q in zip(pos, neg):
        area, below = area + p * (below + q / 2), below + q
    assert est.metric("roc_auc") == pytest.approx(area / (230 * 170))


def test_concept_shift_is_not_seen_the_documented_limitation():
    rng = np.random.default_rng(1)
    ref_s, ref_y, cur_s, cur_y = scenario(rng, 20_000, 5_000, (4, 3), lambda s: s, cur_link=lambda s: s**3)
    cells = cells_of(ref_s, ref_y, cur_s)
    est = expect(cells, calibrate(cells))
    truth = realised(cur_s, cur_y)
    assert est.metric("precision") - truth["precision"] > 10 * est.standard_errors["precision"]


def test_calibration_bins_hold_enough_rows_and_never_cross_the_threshold():
    rng = np.random.default_rng(3)
    ref_s, ref_y, cur_s, _ = scenario(rng, 10_000, 1_000, (2, 5))
    cells = cells_of(ref_s, ref_y, cur_s)
    cal = calibrate(cells)
    assert cal.min_rows == min_rows(10_000) == 100
    assert all(lab >= 100 for lab in cal.labelled) and sum(cal.labelled) == 10_000
    assert all(len({cells[i].predicted for i in g}) == 1 for g in cal.groups)
    assert 60 <= len(cal.groups) <= 100          # about sqrt(n) bins


def test_too_few_labelled_rows_on_a_side_is_the_skip_reason():
    cells = [Cell(False, 5, 200, 10), Cell(True, 9, 20, 10)]
    why = calibrate(cells)
    assert isinstance(why, str) and "20 labelled rows scored at or above the decision threshold" in why
    assert "at least 30" in why
    # no current rows on that side: nothing to estimate there, so no reason to skip
    assert not isinstance(calibrate([Cell(False, 5, 200, 10), Cell(True, 9, 20, 0)]), str)


# --- in the warehouse --------------------------------------------------------------------------

SCORED = """
CREATE OR REPLACE TABLE scored AS
WITH r AS (SELECT i, TIMESTAMP '2024-01-01' + INTERVAL (i * 30) SECOND AS ts,
                  -- scores drift upwards after the reference week (covariate shift)
                  CASE WHEN i < 20160 THEN (hash(i) % 10000) / 10000.0
                       ELSE sqrt((hash(i) % 10000) / 10000.0) END AS score,
                  (hash(i * 7 + 1) % 10000) / 10000.0 AS u
           FROM range(0, 25920) t(i))
SELECT ts, score, CASE WHEN u < score THEN 1 ELSE 0 END AS truth,
       -- labels arrive two days late: the last two days have none yet
       CASE WHEN ts < TIMESTAMP '2024-01-08' THEN CASE WHEN u < score THEN 1 ELSE 0 END END AS label
FROM r
"""
MODEL_MONITOR = """
version: 1
monitors:
  - name: churn
    relation: main.scored
    timestamp: ts
    current: {last: 1 day}
    reference: {between: ['2024-01-01', '2024-01-07']}
    model: {task: binary_classification, score: score, label: label, label_delay: 2 days}
    tests:
      - estimated_accuracy
      - estimated_precision
      - estimated_recall
      - estimated_f1
      - estimated_roc_auc
      - {estimated_accuracy: {name: accuracy_vs_reference, compare: reference, error_if: "< -0.2"}}
      - accuracy
"""


@pytest.fixture
def scored(proj):
    proj.sql(SCORED)
    proj.monitors(MODEL_MONITOR)
    return proj


def test_estimated_tests_in_the_warehouse_match_the_hidden_labels(scored):
    import duckdb
    rr = scored.api(as_of="2024-01-10")
    got = {r.name: r for r in rr.results}
    con = duckdb.connect(str(scored.db), read_only=True)
    s, y = map(np.array, zip(*con.execute("SELECT score, truth FROM scored WHERE ts >= '2024-01-09' "
                                          "AND ts < '2024-01-10'").fetchall()))
    con.close()
    truth = realised(s, y)
    for m in ("accuracy", "precision", "recall", "f1", "roc_auc"):
        r = got[f"estimated_{m}"]
        assert r.status == "pass" and r.details["window"].startswith("current"), (m, r.message)
        assert abs(r.metric - truth[m]) < 4 * r.details["standard_error"], (m, r.metric, truth[m])
        assert r.windows["current"]["start"].startswith("2024-01-09")        # the newest day: no labels yet
    assert got["estimated_accuracy"].details["exact_expectation"] is True
    assert got["estimated_precision"].details["exact_expectation"] is False
    ref = got["accuracy_vs_reference"]
    assert ref.metric == pytest.approx(got["estimated_accuracy"].metric - ref.details["reference_realised"])
    # the realised test judges the latest day whose labels are in (label_delay: 2 days), and says so
    acc = got["accuracy"]
    assert acc.status == "pass" and acc.details["label_delay"] == "2 days" and acc.details["unlabelled"] == 0
    assert acc.windows["current"]["start"].startswith("2024-01-07")


def test_too_few_labelled_reference_rows_is_skipped_with_the_rule(scored):
    scored.monitors(MODEL_MONITOR.replace("reference: {between: ['2024-01-01', '2024-01-07']}",
                                          "reference: {between: ['2024-01-01 00:00', '2024-01-01 00:40']}"))
    r = {r.name: r for r in scored.api(as_of="2024-01-10").results}["estimated_accuracy"]
    assert r.status == "skipped" and "80 labelled rows, fewer than min_labelled = 100" in r.message


@pytest.mark.parametrize("monitor, message", [
    (MODEL_MONITOR.replace("task: binary_classification", "task: regression, prediction: score"),
     "estimates a binary classifier's accuracy"),
    (MODEL_MONITOR.replace("    reference: {between: ['2024-01-01', '2024-01-07']}\n", ""), "has no `reference:`"),
    (MODEL_MONITOR.replace("label_delay: 2 days", "label_delay: 2 fortnights"), "label_delay"),
])
def test_estimated_config_mistakes_are_refused_at_load(scored, monitor, message):
    scored.monitors(monitor)
    res = scored.run()
    assert res.exit_code == 2 and message in res.output and "monitors.yml:" in res.output, res.output

"""The quality aggregate SQL, executed on DuckDB, finished in Python, equals scikit-learn."""
from __future__ import annotations

import math
import warnings

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlglot
import sqlglot.expressions as exp
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from sqlmon.judge import model_metrics as q
from sqlmon.testtypes import model_sql as qs

SEEDS = [0, 1, 2]
N, UNLABELLED = 3000, 40


def close(a, b, rel=1e-9):
    assert a is not None and b is not None, (a, b)
    assert math.isclose(a, b, rel_tol=rel, abs_tol=1e-15), (a, b)


def make_tables(c) -> None:
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        y = (rng.random(N) < 0.4).astype(int)
        p = 1 / (1 + np.exp(-(rng.normal(size=N) + 1.5 * y - 1)))
        df = pd.DataFrame({"y": pd.array(y, dtype="Int64"), "p": p,
                           "p2": np.round(p, 2), "pred": (p >= 0.5).astype(int)})
        df["label"] = np.where(y == 1, "churn", "stay")
        df.loc[:UNLABELLED - 1, ["y", "label"]] = None  # not yet labelled
        c.register("df", df)
        c.execute(f"CREATE TABLE bin_{seed} AS SELECT * FROM df")
        c.unregister("df")
        yr = rng.normal(size=N) * 10 + (1e6 if seed == 2 else 0)
        yr[rng.random(N) < 0.05] = 0.0
        reg = pd.DataFrame({"y": yr, "yhat": yr + rng.normal(size=N) * 3 + 0.5,
                            "yi": np.round(yr).astype(int), "yhati": np.round(yr).astype(int) + 2})
        c.register("reg", reg)
        c.execute(f"CREATE TABLE reg_{seed} AS SELECT * FROM reg")
        c.unregister("reg")
        ymc = rng.choice(np.array(["a", "b", "c", "d"]), N)  # "e" only predicted
        mc = pd.DataFrame({"y": ymc, "yhat": np.where(rng.random(N) < 0.6, ymc, rng.choice(
            np.array(["a", "b", "d", "e"]), N))})
        c.register("mc", mc)
        c.execute(f"CREATE TABLE mc_{seed} AS SELECT * FROM mc")
        c.unregister("mc")


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    make_tables(c)
    yield c
    c.close()


def run(con, select: exp.Expression) -> list[dict]:
    cur = con.execute(select.sql("duckdb"))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def labelled(con, table):
    df = con.execute(f"SELECT * FROM {table} WHERE y IS NOT NULL").df()
    return df["y"].to_numpy(int), df["p"].to_numpy(float), df


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_confusion_and_scores(con, seed):
    t = exp.to_table(f"bin_{seed}")
    pp = qs.predicted_positive(score="p", decision_threshold=0.5)
    row = run(con, qs.measures_select(t, {**qs.binary_confusion_measures("y", pp, 1),
                                          **qs.logloss_brier_measures("y", "p", 1)}))[0]
    c, s = qs.read_binary_counts(row), qs.read_score_sums(row, "p")
    y, p, _ = labelled(con, t.name)
    yhat = (p >= 0.5).astype(int)
    assert c.unlabelled == s.unlabelled == UNLABELLED and c.n_labelled == s.n == len(y)
    close(q.accuracy(c).value, skm.accuracy_score(y, yhat))
    close(q.precision(c).value, skm.precision_score(y, yhat))
    close(q.recall(c).value, skm.recall_score(y, yhat))
    close(q.f1(c).value, skm.f1_score(y, yhat))
    tn, fp, fn, tp = skm.confusion_matrix(y, yhat).ravel()
    close(q.fpr(c).value, fp / (fp + tn))
    close(q.fnr(c).value, fn / (fn + tp))
    close(q.log_loss(s).value, skm.log_loss(y, p))
    close(q.brier(s).value, skm.brier_score_loss(y, p))


def test_string_labels_and_prediction_column(con):
    t = exp.to_table("bin_0")
    pred = exp.Case(ifs=[exp.If(this=exp.column("pred").eq(1), true=exp.convert("churn"))],
                    default=exp.convert("stay"))
    pp = qs.predicted_positive(prediction=pred, positive="churn")
    row = run(con, qs.measures_select(t, {**qs.binary_confusion_measures("label", pp, "churn"),
                                          **qs.logloss_brier_measures("label", "p", "churn")}))[0]
    _, p, df = labelled(con, "bin_0")
    labels, preds = df["label"].to_numpy(str), np.where(df["pred"] == 1, "churn", "stay")
    c = qs.read_binary_counts(row)
    close(q.precision(c).value, skm.precision_score(labels, preds, pos_label="churn"))
    close(q.recall(c).value, skm.recall_score(labels, preds, pos_label="churn"))
    close(q.log_loss(qs.read_score_sums(row)).value, skm.log_loss(labels == "churn", p))


@pytest.mark.parametrize("seed", SEEDS)
def test_score_histogram_binned_and_exact(con, seed):
    t = exp.to_table(f"bin_{seed}")
    y, p, df = labelled(con, t.name)
    h = qs.read_score_histogram(
        [tuple(r.values()) for r in run(con, qs.score_histogram_select(t, "y", "p"))])
    assert sum(h.pos) + sum(h.neg) == len(y) and len(h.pos) == 1000
    assert abs(q.roc_auc(h).value - skm.roc_auc_score(y, p)) < 1e-3
    assert abs(q.pr_auc(h).value - skm.average_precision_score(y, p)) < 1e-3
    n_distinct = run(con, qs.measures_select(t, {"d": qs.distinct_scores_measure("p2")}))[0]["d"]
    bins = qs.choose_score_bins(n_distinct)
    assert bins is None  # <= 101 distinct scores: exact mode
    rows = run(con, qs.score_histogram_select(t, "y", "p2", bins=bins))
    hx = qs.read_score_histogram([(r["score_bin"], r["pos"], r["neg"]) for r in rows], bins=None)
    p2 = df["p2"].to_numpy(float)
    close(q.roc_auc(hx).value, skm.roc_auc_score(y, p2), 1e-12)
    close(q.pr_auc(hx).value, skm.average_precision_score(y, p2), 1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_calibration(con, seed):
    t = exp.to_table(f"bin_{seed}")
    rows = run(con, qs.calibration_select(t, "y", "p"))
    b = qs.read_calibration_bins([(r["score_bin"], r["n"], r["sum_score"], r["sum_label"])
                                     for r in rows])
    y, p, _ = labelled(con, t.name)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    total = np.bincount(np.searchsorted(np.linspace(0, 1, 11)[1:-1], p), minlength=10)
    close(q.calibration_error(b).value,
          float(np.sum(total[total > 0] / len(y) * np.abs(prob_pred - prob_true))))


@pytest.mark.parametrize("seed", SEEDS)
def test_multiclass(con, seed):
    rng = np.random.default_rng(seed)
    y = rng.choice(np.array(["a", "b", "c", "d"]), N).astype(object)
    noise = rng.choice(np.array(["a", "b", "d", "e"]), N)
    yhat = np.where(rng.random(N) < 0.6, y, noise).astype(object)
    y[:5], yhat[5:8] = None, None
    con.register("mc", pd.DataFrame({"y": y, "yhat": yhat}))
    rows = run(con, qs.multiclass_confusion_select(exp.to_table("mc"), "y", "yhat"))
    con.unregister("mc")
    c = qs.read_multiclass_counts([(r["label"], r["prediction"], r["n"]) for r in rows])
    assert (c.unlabelled, c.prediction_null) == (5, 3)
    keep = np.array([a is not None and b is not None for a, b in zip(y, yhat)])
    yk, pk = y[keep].astype(str), yhat[keep].astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for avg in ("macro", "micro", "weighted"):
            close(q.precision(c, average=avg).value, skm.precision_score(yk, pk, average=avg))
            close(q.recall(c, average=avg).value, skm.recall_score(yk, pk, average=avg))
            close(q.f1(c, average=avg).value, skm.f1_score(yk, pk, average=avg))
    close(q.accuracy(c).value, skm.accuracy_score(yk, pk))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cols", [("y", "yhat"), ("yi", "yhati")])  # DOUBLE and INTEGER columns
def test_regression(con, seed, cols):
    t = exp.to_table(f"reg_{seed}")
    r = qs.read_regression_sums(run(con, qs.measures_select(t, qs.regression_measures(*cols)))[0])
    df = con.execute(f"SELECT {cols[0]} AS y, {cols[1]} AS yhat FROM {t.name}").df()
    y, yhat = df["y"].to_numpy(float), df["yhat"].to_numpy(float)
    close(q.mae(r).value, skm.mean_absolute_error(y, yhat))
    close(q.rmse(r).value, skm.root_mean_squared_error(y, yhat))
    close(q.r2(r).value, skm.r2_score(y, yhat), 1e-8)
    close(q.mean_error(r).value, float(np.mean(yhat - y)))
    close(q.max_error(r).value, skm.max_error(y, yhat))
    nz = y != 0
    close(q.mape(r).value, skm.mean_absolute_percentage_error(y[nz], yhat[nz]))
    assert q.mape(r).details["zero_labels_excluded"] == int((~nz).sum()) > 0


@pytest.fixture(scope="module")
def edge(con):
    con.execute("""CREATE TABLE edge AS SELECT * FROM (VALUES
        (NULL::INT, 0.2::DOUBLE, 1.0::DOUBLE, 'x'), (NULL, 0.9, 1.0, 'x'), (1, 1.5, 1.0, 'x'),
        (0, -0.2, 1.0, 'x'), (1, 'nan'::DOUBLE, 1.0, 'x'), (1, NULL, 1.0, 'x'), (1, 0.7, 1.0, 'x'),
        (1, 1.0, 1.0, 'x')) t(y, p, yr, s)""")
    return exp.to_table("edge")


def test_edge_out_of_range_nan_null(con, edge):
    row = run(con, qs.measures_select(edge, qs.logloss_brier_measures("y", "p")))[0]
    s = qs.read_score_sums(row, "p")
    assert (s.score_out_of_range, s.score_null, s.unlabelled, s.n) == (3, 1, 2, 5)
    m = q.log_loss(s)
    assert m.error and m.value is None and "'p'" in m.reason
    rows = run(con, qs.score_histogram_select(edge, "y", "p"))
    h = qs.read_score_histogram([tuple(r.values()) for r in rows], score_column="p")
    assert (h.invalid, h.score_null, sum(h.pos) + sum(h.neg)) == (3, 1, 2)  # p=1.0 in the top bin
    assert h.pos[999] == 1 and q.roc_auc(h).error


def test_edge_all_labels_null_and_one_class(con, edge):
    null_only = exp.condition("y IS NULL")
    pp = qs.predicted_positive(score="p")
    sel = qs.measures_select(edge, qs.binary_confusion_measures("y", pp), where=null_only)
    row = run(con, sel)[0]
    m = q.accuracy(qs.read_binary_counts(row))
    assert m.value is None and m.reason.startswith("all 2 labels are NULL")
    rr = run(con, qs.measures_select(edge, qs.regression_measures("y", "yr"), where=null_only))[0]
    assert q.rmse(qs.read_regression_sums(rr)).value is None
    ok = exp.condition("p BETWEEN 0 AND 1")
    rows = run(con, qs.score_histogram_select(edge, "y", "p", where=ok))
    assert q.roc_auc(qs.read_score_histogram([tuple(r.values()) for r in rows])).reason == \
        "only one class in the window"
    const = run(con, qs.measures_select(edge, qs.regression_measures("yr", "y")))[0]
    assert "constant" in q.r2(qs.read_regression_sums(const)).reason


def test_user_values_are_literals(con, edge):
    evil = "x'; DROP TABLE edge; --"
    row = run(con, qs.measures_select(edge, qs.histogram_measures("s", evil)))[0]
    assert row == {"pos": 0, "neg": 8}
    assert con.execute("SELECT COUNT(*) FROM edge").fetchone()[0] == 8
    assert qs.column("Weird Col").sql("duckdb") == '"Weird Col"'


@pytest.mark.parametrize("bins", [3, 10, 1000, 99_999, 100_000, 10_000_000])
def test_score_bin_key_is_the_least_form(bins):
    """score_bin_expr (CASE WHEN p > 1 OR p < 0 THEN -1 WHEN p = 1 THEN bins - 1 ELSE
    FLOOR(p * bins) END) gives the key of the original LEAST form on every input: NULL, NaN,
    +-inf, -0.0, subnormals, p = 1 and the doubles next to it and to every tested bin edge."""
    rng = np.random.default_rng(bins)
    edges = np.arange(0, bins + 1, max(bins // 997, 1), dtype=np.float64) / bins
    near = np.concatenate([edges, np.nextafter(edges, -1.0), np.nextafter(edges, 2.0)])
    specials = [0.0, -0.0, 5e-324, -5e-324, 1e-300, 1.0, math.nextafter(1.0, 0.0), math.nextafter(1.0, 2.0),
                1.5, -1e-9, 1e300, -1e300, math.nan, math.inf, -math.inf]
    values = [*near.tolist(), *rng.random(20_000).tolist(), *specials]
    c = duckdb.connect()
    c.execute("CREATE TABLE k AS SELECT unnest($1)::DOUBLE AS p UNION ALL SELECT NULL", [values])
    old = (f"CASE WHEN p IS NULL THEN NULL WHEN CAST(p AS DOUBLE) >= 0 AND CAST(p AS DOUBLE) <= 1 "
           f"THEN CAST(LEAST(FLOOR(CAST(p AS DOUBLE) * {bins}), {bins - 1}) AS INT) ELSE CAST(-1 AS INT) END")
    new = qs.score_bin_expr("p", bins).sql("duckdb")
    differ = c.execute(f"SELECT p, {old} AS a, {new} AS b FROM k WHERE {old} IS DISTINCT FROM {new}").fetchall()
    assert not differ, differ[:5]
    assert c.execute(f"SELECT count(DISTINCT {new}) FROM k").fetchone()[0] > min(bins, 1000)
    c.close()


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "spark"])
def test_portable_sql(dialect):
    t = exp.to_table("t")
    pp = qs.predicted_positive(score="p", decision_threshold=0.5)
    selects = [
        qs.measures_select(t, {**qs.binary_confusion_measures("y", pp), **qs.logloss_brier_measures(
            "y", "p"), **qs.regression_measures("y", "p")}),
        qs.score_histogram_select(t, "y", "p"), qs.score_histogram_select(t, "y", "p", bins=None),
        qs.calibration_select(t, "y", "p"), qs.multiclass_confusion_select(t, "y", "p")]
    for sel in selects:
        sql = sel.sql(dialect, unsupported_level=sqlglot.ErrorLevel.RAISE)
        upper = sql.upper()
        # COUNT_IF is written where the engine has it; sqlglot spells it SUM(CASE ...) elsewhere
        no_count_if = ("COUNT_IF",) if dialect == "postgres" else ()
        for bad in ("LOG(", "FILTER", "IFF(", "GROUP BY ALL", "TRY_CAST", *no_count_if):
            assert bad not in upper, (bad, sql)
        assert sqlglot.parse_one(sql, read=dialect) is not None
    assert "VAR_POP(" in selects[0].sql(dialect) and "LN(" in selects[0].sql(dialect)


# ---------------------------------------------------------------- measured differences
def measure_max_differences() -> dict[str, float]:
    """Max |sqlmon - sklearn| (relative for count/regression metrics, absolute for AUC) over the
    seeds, on the DuckDB path. Run: ``python tests/test_quality_sql.py``."""
    c, worst = duckdb.connect(), {}
    make_tables(c)

    def note(name, ours, theirs, relative=True):
        d = abs(ours - theirs) / (abs(theirs) if relative and theirs else 1)
        worst[name] = max(worst.get(name, 0.0), d)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in SEEDS:
            t = exp.to_table(f"bin_{seed}")
            pp = qs.predicted_positive(score="p")
            row = run(c, qs.measures_select(t, {**qs.binary_confusion_measures("y", pp),
                                                **qs.logloss_brier_measures("y", "p")}))[0]
            bc, ss = qs.read_binary_counts(row), qs.read_score_sums(row)
            y, p, df = labelled(c, t.name)
            yhat = (p >= 0.5).astype(int)
            for name, want in [("accuracy", skm.accuracy_score(y, yhat)),
                               ("precision", skm.precision_score(y, yhat)),
                               ("recall", skm.recall_score(y, yhat)), ("f1", skm.f1_score(y, yhat)),
                               ("log_loss", skm.log_loss(y, p)),
                               ("brier", skm.brier_score_loss(y, p))]:
                note(name, q.METRICS[name].function(bc if name not in ("log_loss", "brier")
                                                    else ss).value, want)
            h = qs.read_score_histogram(tuple(r.values()) for r in
                                        run(c, qs.score_histogram_select(t, "y", "p")))
            note("roc_auc binned (40% pos, 3k rows)", q.roc_auc(h).value,
                 skm.roc_auc_score(y, p), False)
            note("pr_auc binned (40% pos, 3k rows)", q.pr_auc(h).value,
                 skm.average_precision_score(y, p), False)
            hx = qs.read_score_histogram((tuple(r.values()) for r in run(
                c, qs.score_histogram_select(t, "y", "p2", bins=None))), bins=None)
            p2 = df["p2"].to_numpy(float)
            note("roc_auc exact mode", q.roc_auc(hx).value, skm.roc_auc_score(y, p2), False)
            note("pr_auc exact mode", q.pr_auc(hx).value, skm.average_precision_score(y, p2), False)
            b = qs.read_calibration_bins(tuple(r.values()) for r in
                                         run(c, qs.calibration_select(t, "y", "p")))
            pt, pr = calibration_curve(y, p, n_bins=10, strategy="uniform")
            tot = np.bincount(np.searchsorted(np.linspace(0, 1, 11)[1:-1], p), minlength=10)
            note("calibration_error", q.calibration_error(b).value,
                 float(np.sum(tot[tot > 0] / len(y) * np.abs(pr - pt))))
            mc = qs.read_multiclass_counts(tuple(r.values()) for r in run(
                c, qs.multiclass_confusion_select(exp.to_table(f"mc_{seed}"), "y", "yhat")))
            d = c.execute(f"SELECT y, yhat FROM mc_{seed}").df()
            for avg in ("macro", "micro", "weighted"):
                for name, fn in [("precision", skm.precision_score), ("recall", skm.recall_score),
                                 ("f1", skm.f1_score)]:
                    note(f"multiclass {name} {avg}", q.METRICS[name].function(mc, average=avg).value,
                         fn(d["y"], d["yhat"], average=avg))
            r = qs.read_regression_sums(run(c, qs.measures_select(
                exp.to_table(f"reg_{seed}"), qs.regression_measures("y", "yhat")))[0])
            d = c.execute(f"SELECT y, yhat FROM reg_{seed}").df()
            yr, yh = d["y"].to_numpy(), d["yhat"].to_numpy()
            nz = yr != 0
            for name, want in [("mae", skm.mean_absolute_error(yr, yh)),
                               ("rmse", skm.root_mean_squared_error(yr, yh)),
                               ("r2", skm.r2_score(yr, yh)), ("max_error", skm.max_error(yr, yh)),
                               ("mape", skm.mean_absolute_percentage_error(yr[nz], yh[nz]))]:
                note(name, q.METRICS[name].function(r).value, want)
            for n in (20000, 100000):  # 1% positives, numpy-built table, 1000 bins
                rng = np.random.default_rng(seed)
                yy = (rng.random(n) < 0.01).astype(int)
                pp1 = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.5 * yy - 1)))
                c.register("imb", pd.DataFrame({"y": yy, "p": pp1}))
                hi = qs.read_score_histogram(tuple(r.values()) for r in run(
                    c, qs.score_histogram_select(exp.to_table("imb"), "y", "p")))
                c.unregister("imb")
                note(f"roc_auc binned (1% pos, {n} rows)", q.roc_auc(hi).value,
                     skm.roc_auc_score(yy, pp1), False)
                note(f"pr_auc binned (1% pos, {n} rows)", q.pr_auc(hi).value,
                     skm.average_precision_score(yy, pp1), False)
    return worst


if __name__ == "__main__":
    for metric, diff in measure_max_differences().items():
        print(f"{metric:40s} {diff:.2e}")

"""Fan-out (README "Standardising many models"): one monitor definition over many relations is the
same as a monitor written per relation (unique ids, SQL, results); mistakes are refused with
their line, a pattern matching nothing names the pattern."""
from __future__ import annotations

import json

import pytest

TABLES = [f"scores_{k:02d}" for k in range(1, 13)]

FANOUT = """
version: 1
monitors:
  - name: "m_{{ item.name }}"
    relation: {match: "main.scores_*"}
    timestamp: scored_at
    current: {last: 1 day}
    reference: {previous: 7 days}
    model: {task: binary_classification, score: score, label: label}
    preset: {binary_classifier: {min_labelled: 20}}
    tags: ["{{ item.schema }}"]
    tests:
      - roc_auc: {warn_if: "< 0.6"}
    overrides:
      scores_03: {current: {last: 2 days}}
      scores_07: {preset: scores_table, tests: [row_count]}
"""


def _by_hand() -> str:
    out = ["version: 1", "monitors:"]
    for name in TABLES:
        current = "{last: 2 days}" if name == "scores_03" else "{last: 1 day}"
        preset = "scores_table" if name == "scores_07" else "{binary_classifier: {min_labelled: 20}}"
        tests = "[row_count]" if name == "scores_07" else '[{roc_auc: {warn_if: "< 0.6"}}]'
        out += [f"  - name: m_{name}", f"    relation: main.{name}", "    timestamp: scored_at",
                f"    current: {current}", "    reference: {previous: 7 days}",
                "    model: {task: binary_classification, score: score, label: label}",
                f"    preset: {preset}", "    tags: [main]", f"    tests: {tests}"]
    return "\n".join(out) + "\n"


@pytest.fixture
def scores(proj):
    statements = ["SELECT setseed(0.5)"]
    for k, name in enumerate(TABLES, 1):
        statements.append(f"""
            CREATE TABLE main.{name} AS
            SELECT TIMESTAMP '2024-01-10' - INTERVAL (i * 10) MINUTE AS scored_at,
                   (hash(i * 31 + {k}) % 1000) / 1000.0 AS score,
                   CASE WHEN (hash(i * 17 + {k}) % 1000) / 1000.0 < (hash(i * 31 + {k}) % 1000) / 1000.0
                        THEN 1 ELSE 0 END AS label,
                   (hash(i + {k} * 1000) % 100) / 10.0 AS f1,
                   (['a', 'b', 'c'])[CAST(1 + hash(i + {k}) % 3 AS BIGINT)] AS cat
            FROM range(1, 1153) t(i)""")
    proj.sql(";".join(statements))
    return proj


def _ids(p) -> list[str]:
    """`sqlmon ls`'s test ids (its warnings aside: scores_table's prediction rule finds no column)."""
    return sorted(line.split()[0] for line in p.cli("ls").output.splitlines() if line and not line.startswith("warning:"))


def _compiled(p) -> dict[str, str]:
    out = p.cli("compile", "--as-of", "2024-01-10").output
    blocks = [b for b in out.split("\n-- ") if b.strip()]
    return {b.removeprefix("-- ").split("\n", 1)[0].split()[0]: b.split("\n", 1)[1] for b in blocks}


def _results(p) -> dict[str, tuple]:
    res = p.run()
    assert res.exit_code in (0, 1), res.output
    return {r["unique_id"]: (r["status"], r["metric"], r["preset"]) for r in
            json.loads((p.root / "target" / "run_results.json").read_text())["results"]}


def test_one_fanout_monitor_is_twelve_written_by_hand(scores):
    scores.monitors(FANOUT)
    fan_ids = _ids(scores)
    fan_sql, fan_results = _compiled(scores), _results(scores)
    scores.monitors(_by_hand())
    hand_ids = _ids(scores)
    assert fan_ids == hand_ids and len({i.split(".")[0] for i in fan_ids}) == 12
    assert fan_sql == _compiled(scores)
    assert fan_results == _results(scores)
    assert fan_results["m_scores_07._.row_count"][2] == "scores_table@1"
    assert "m_scores_07._.roc_auc" not in fan_results                     # its override replaced the tests
    assert "m_scores_03._.roc_auc" in fan_results


def test_an_in_list_and_a_name_from_the_item(scores):
    scores.monitors("""
        version: 1
        monitors:
          - name: "vol_{{ item.name }}"
            relation: {in: [main.scores_01, main.scores_02]}
            tests: [row_count]
    """)
    assert scores.cli("ls").output.split() == ["vol_scores_01._.row_count", "vol_scores_02._.row_count"]


@pytest.mark.parametrize("monitor, where, message, fix", [
    ('relation: {match: "main.nothing_*"}', "monitors.yml:4 (monitors[0].relation.match)",
     "matches no relation in the warehouse", "main.scores_01"),
    ("relation: {matches: x}", "monitors.yml:4 (monitors[0].relation)", "exactly one of `match:`", "did you mean 'match'"),
    ("relation: {in: []}", "monitors.yml:4 (monitors[0].relation)", "takes a list of relation names", "in: [main."),
    ('relation: {in: [main.scores_01]}\n    overrides: {scores_1: {tags: [x]}}', "monitors.yml:5 (monitors[0].overrides.scores_1)",
     "not an item of this monitor", "did you mean 'scores_01'"),
    ('relation: {in: [main.scores_01]}\n    current: {last: "{{ item.nope }}"}', "monitors.yml:5", "cannot render", "{{"),
])
def test_fanout_mistakes_are_refused_at_their_line(scores, monitor, where, message, fix):
    scores.monitors(f"version: 1\nmonitors:\n  - name: \"m_{{{{ item.name }}}}\"\n    {monitor}\n    tests: [row_count]\n")
    for command in ("ls", "run"):
        res = scores.cli(command)
        assert res.exit_code == 2 and where in res.output and message in res.output and fix in res.output, res.output
        assert "Traceback" not in res.output


def test_two_items_with_one_name_are_refused(scores):
    scores.monitors("""
        version: 1
        monitors:
          - name: same
            relation: {match: "main.scores_0*"}
            tests: [row_count]
    """)
    res = scores.cli("ls")
    assert res.exit_code == 2 and "two monitors are named 'same'" in res.output, res.output

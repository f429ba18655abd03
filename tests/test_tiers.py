"""Risk tiers and owners (README "Tiers and owners"): which statuses fail the run per tier, the
`--fail-on TIER:STATUS` grammar, the cascade test -> monitor defaults -> monitor -> project defaults
-> default_tier, `meta.owner` as an alias of `owner:`, `--select tier:`, every mistake refused at its
line, and tier and owner in run_results.json, JUnit, summary.md and the HTML report."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources

import jsonschema
import pytest

from sqlmon.results import FailPolicy, Result, exit_code, fail_policy, parse_fail_on

PROJECT = """name: testproj
profile: testproj
tiers:
  critical: {fail_on: [warn, fail], severity: error}
  standard: {fail_on: [fail]}
  low: {fail_on: []}
"""

# `crit` warns (4 rows < 10), `lowm` fails (4 rows < 10), `plain` (untiered) warns.
MONITORS = """
version: 1
monitors:
  - name: crit
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tier: critical
    owner: ml-platform
    tests:
      - row_count: {warn_if: "< 10"}
  - name: lowm
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tier: low
    meta: {owner: analytics}
    tests:
      - row_count: {error_if: "< 10"}
  - name: plain
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tests:
      - row_count: {warn_if: "< 10"}
"""


def project(proj, extra: str = "", monitors: str = MONITORS):
    (proj.root / "sqlmon_project.yml").write_text(PROJECT + extra)
    proj.monitors(monitors)


def by_id(rr):
    return {r.unique_id: r for r in rr.results}


# --- exit codes per tier ------------------------------------------------------------------------

def test_a_critical_warn_fails_the_run_and_a_low_fail_does_not(proj):
    project(proj)
    res = proj.run()
    assert res.exit_code == 1, res.output
    assert "FAIL    lowm._.row_count [low]" in res.output and "WARN    crit._.row_count [critical]" in res.output
    assert proj.run("-s", "tier:low").exit_code == 0                       # a low fail: recorded, not failing
    assert proj.run("-s", "tier:critical").exit_code == 1                  # a critical warn fails
    assert proj.run("-s", "tier:low", "-s", "plain").exit_code == 0        # untiered warn: --fail-on as today
    rr = proj.api(select=["tier:low"], write_artifacts=False, history=False)
    assert rr.exit_code == 0 and rr.raise_for_status() is rr
    assert by_id(rr)["lowm._.row_count"].status == "fail"
    import sqlmon
    with pytest.raises(sqlmon.RunFailed, match=r"crit\._\.row_count \(warn\)") as err:
        proj.api(write_artifacts=False, history=False).raise_for_status()
    assert "lowm" not in str(err.value) and "plain" not in str(err.value)


def test_untiered_tests_follow_fail_on(proj):
    project(proj)
    assert proj.run("-s", "plain").exit_code == 0
    assert proj.run("-s", "plain", "--fail-on", "warn").exit_code == 1
    # a bare status is for untiered tests only: a tier's policy decides for its own
    assert proj.run("-s", "tier:low", "--fail-on", "warn,skipped").exit_code == 0


def test_an_error_exits_2_in_any_tier(proj):
    project(proj, monitors=MONITORS.replace('row_count: {error_if: "< 10"}',
                                            'custom_sql: {sql: "select * from {{ relation }} where no_such_fn(id)"}'))
    res = proj.run("-s", "tier:low")
    assert res.exit_code == 2 and "ERROR   lowm._.custom_sql [low]" in res.output, res.output


def test_a_low_monitor_that_judged_nothing_is_named_not_failing(proj):
    quiet = """
version: 1
monitors:
  - name: ev
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    tests: [row_count]
  - name: quiet
    relation: main.events
    tier: low
    tests: [{anomaly: {of: ev._.row_count}}]
"""
    project(proj, monitors=quiet)
    res = proj.run()
    assert res.exit_code == 0, res.output
    assert "Judged nothing (every test skipped or errored): quiet (not failing the run, by their tier: quiet)" in res.output
    data = json.loads((proj.root / "target" / "run_results.json").read_text())
    assert data["unjudged_monitors"] == ["quiet"]
    summary = (proj.root / "target" / "summary.md").read_text()
    assert "judged nothing, in a tier that does not fail the run: quiet" in summary and "passed" in summary
    project(proj, monitors=quiet.replace("tier: low", "tier: critical"))
    assert proj.run().exit_code == 1                                        # judging nothing counts as a fail


# --- --fail-on grammar -----------------------------------------------------------------------------

def test_fail_on_tier_grammar(proj):
    project(proj)
    assert proj.run("-s", "tier:low", "--fail-on", "low:fail").exit_code == 1     # tightens a tier for this run
    assert proj.run("-s", "tier:low", "--fail-on", "low:warn").exit_code == 0     # adds warn only: a fail still passes
    assert proj.run("-s", "plain", "--fail-on", "low:fail,warn").exit_code == 1   # mixed with a bare status
    assert proj.api(select=["tier:low"], fail_on="low:fail", write_artifacts=False, history=False).exit_code == 1
    assert proj.api(select=["tier:low"], fail_on=["warn", "low:fail"], write_artifacts=False,
                    history=False).exit_code == 1
    for value, message, hint in [
        ("critcal:warn", "names tier 'critcal', which sqlmon_project.yml does not declare", "did you mean 'critical'"),
        ("critical:wran", "'critical:wran' is not a status that can fail a run", "did you mean 'warn'"),
        ("critical:error", "is not a status that can fail a run", "error always fails: exit 2"),
        (":warn", "names no tier", "critical:warn"),
    ]:
        res = proj.run("--fail-on", value)
        assert res.exit_code == 2 and message in res.output and hint in res.output, (value, res.output)
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\n")
    res = proj.run("--fail-on", "critical:warn")
    assert res.exit_code == 2 and "declare it under `tiers:`" in res.output, res.output


def test_fail_policy_and_exit_code_as_plain_values():
    untiered, tiers = parse_fail_on("skipped,critical:warn")
    assert untiered == {"fail", "skipped"} and tiers == {"critical": {"warn"}}
    policy = fail_policy("critical:warn", {"critical": ["fail"], "low": []})
    assert policy.statuses("critical") == {"fail", "warn"} and policy.statuses("low") == set()
    assert policy.statuses(None) == {"fail"} and list(policy.tiers) == ["critical", "low"]

    def result(monitor, status, tier):
        return Result(f"{monitor}._.t", monitor, None, "row_count", "t", status, "error", 1.0, None, None, "", tier=tier)
    assert exit_code([result("a", "fail", "low")], policy) == 0
    assert exit_code([result("a", "warn", "critical")], policy) == 1
    assert exit_code([result("a", "error", "low")], policy) == 2
    assert exit_code([result("a", "skipped", "low")], policy) == 0               # judged nothing, in a low tier
    assert exit_code([result("a", "skipped", None)], FailPolicy()) == 1
    assert exit_code([result("a", "fail", "low")], "fail") == 1                  # no policy: --fail-on alone


def test_default_tier_and_a_bare_fail_on_that_applies_to_no_test(proj):
    project(proj, "default_tier: standard\n")
    rr = proj.api(select=["plain"], fail_on="warn", write_artifacts=False, history=False)
    assert by_id(rr)["plain._.row_count"].tier == "standard"
    assert rr.exit_code == 0                                     # standard: fail only; --fail-on warn is for untiered
    assert any("--fail-on warn applies to untiered tests" in w and "--fail-on critical:warn" in w for w in rr.warnings)
    assert proj.run("-s", "plain", "--fail-on", "standard:warn").exit_code == 1


# --- the cascade -----------------------------------------------------------------------------------

def test_tier_and_owner_cascade(proj):
    project(proj, "default_tier: standard\ndefaults:\n  mean: {tier: low, owner: stats-team}\n", """
version: 1
monitors:
  - name: ev
    relation: main.events
    tier: critical
    owner: ml-platform
    defaults:
      not_null: {tier: low, meta: {owner: data-quality}}
    tests:
      - row_count: {tier: standard, owner: oncall}
    columns:
      - name: cat
        tests: [not_null, accepted_values: {values: [a, b, c]}]
      - name: x
        tests: [mean, {max: {meta: {owner: max-team}}}]
  - name: bare
    relation: main.events
    tests: [row_count]
    columns:
      - name: x
        tests: [mean]
""")
    rr = by_id(proj.api(write_artifacts=False, history=False))
    got = {uid: (r.tier, r.owner) for uid, r in rr.items()}
    assert got == {
        "ev._.row_count": ("standard", "oncall"),               # the test's own
        "ev.cat.not_null": ("low", "data-quality"),             # the monitor's defaults for its type
        "ev.cat.accepted_values": ("critical", "ml-platform"),  # the monitor
        "ev.x.mean": ("critical", "ml-platform"),               # the monitor beats the project's defaults
        "ev.x.max": ("critical", "max-team"),                   # meta.owner: an alias of owner:
        "bare._.row_count": ("standard", None),                 # default_tier
        "bare.x.mean": ("low", "stats-team"),                   # the project's defaults
    }
    assert rr["ev._.row_count"].meta["owner"] == "oncall"      # meta.owner stays filled for readers of meta
    assert rr["ev.cat.accepted_values"].meta == {"owner": "ml-platform"}


def test_a_tier_gives_its_severity_to_tests_that_set_none(proj):
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\n"
                                                  "tiers:\n  soft: {fail_on: [fail], severity: warn}\n")
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tier: soft
            tests:
              - row_count: {error_if: "< 10"}
              - row_count: {name: strict, error_if: "< 10", severity: error}
    """)
    rr = by_id(proj.api(write_artifacts=False, history=False))
    assert (rr["ev._.row_count"].status, rr["ev._.row_count"].severity) == ("warn", "warn")
    assert (rr["ev._.strict"].status, rr["ev._.strict"].severity) == ("fail", "error")


# --- selection -------------------------------------------------------------------------------------

def test_select_by_tier(proj):
    project(proj)
    res = proj.cli("ls", "-s", "tier:critical")
    assert res.exit_code == 0 and res.output.split() == ["crit._.row_count"]
    assert proj.cli("ls", "-s", "tier:*", "--exclude", "tier:low").output.split() == ["crit._.row_count"]
    res = proj.cli("ls", "-s", "tier:critcal")
    assert res.exit_code == 2 and "--select 'tier:critcal' matches no test" in res.output
    assert "tier:'critical'" in res.output, res.output
    res = proj.cli("ls", "-s", "tier:standard")                 # declared, used by no test
    assert res.exit_code == 2 and "tiers in use here: critical, low" in res.output, res.output


# --- mistakes, each at its line ----------------------------------------------------------------------

def refused(proj, line: str, *fragments: str) -> None:
    for command in (["ls"], ["run", "--as-of", "2024-01-10"]):
        res = proj.cli(*command)
        out = res.output
        assert res.exit_code == 2 and "Traceback" not in out and "Fix:" in out, (command, out)
        assert line in out, (command, line, out)
        for f in fragments:
            assert f in out, (command, f, out)


@pytest.mark.parametrize("monitors, line, fragments", [
    (MONITORS.replace("tier: critical", "tier: critcal"), "monitors.yml:7 (monitors[0].tier)",
     ("tier 'critcal' is not declared in sqlmon_project.yml", "did you mean 'critical'")),
    (MONITORS.replace('row_count: {warn_if: "< 10"}\n  - name: lowm', 'row_count: {warn_if: "< 10", tier: loww}\n  - name: lowm'),
     "monitors.yml:10 (monitors[0].tests[0].row_count.tier)", ("tier 'loww' is not declared", "did you mean 'low'")),
    (MONITORS.replace("    tier: low\n", "    tier: low\n    defaults:\n      row_count:\n        error_if: '< 5'\n"
                      "        tier: standrd\n"),
     "monitors.yml:19 (monitors[1].defaults.row_count.tier)", ("tier 'standrd'", "did you mean 'standard'")),
    (MONITORS.replace("    tier: low\n", "    tier: low\n    defaults:\n      not_null:\n        tier: standrd\n"),
     "monitors.yml:18 (monitors[1].defaults.not_null.tier)", ("tier 'standrd'",)),       # no test reads it
    (MONITORS.replace("owner: ml-platform", "owner: 42"), "monitors.yml:8 (monitors[0].owner)", ("must be text",)),
    (MONITORS.replace("meta: {owner: analytics}", "meta: {owner: [a, b]}"), "monitors.yml:16 (monitors[1].meta.owner)",
     ("an owner is a non-empty text",)),
    (MONITORS.replace('row_count: {warn_if: "< 10"}\n  - name: lowm', 'row_count: {warn_if: "< 10", owner: 7}\n  - name: lowm'),
     "monitors.yml:10 (monitors[0].tests[0].row_count.owner)", ("an owner is a non-empty text, got 7", "quote")),
    (MONITORS.replace('row_count: {warn_if: "< 10"}\n  - name: lowm',
                      'row_count: {owner: a, meta: {owner: b}}\n  - name: lowm'),
     "monitors.yml:10 (monitors[0].tests[0].row_count.owner)", ("two owners here", "alias")),
])
def test_monitor_file_mistakes(proj, monitors, line, fragments):
    project(proj, monitors=monitors)
    refused(proj, line, *fragments)


@pytest.mark.parametrize("extra, line, fragments", [
    ("default_tier: standrd\n", "sqlmon_project.yml:7 (default_tier)", ("tier 'standrd' is not declared",
                                                                         "did you mean 'standard'")),
    ("  bad: {fail_on: [warn, wran]}\n", "sqlmon_project.yml:7 (tiers.bad.fail_on)",
     ("'wran' is not a status a tier can fail on", "did you mean 'warn'")),
    ("  bad: {fail_on: [error]}\n", "sqlmon_project.yml:7 (tiers.bad.fail_on)", ("`error` cannot be in a tier's fail_on",)),
    ("  bad: {fail_on: [fail], severity: high}\n", "sqlmon_project.yml:7 (tiers.bad.severity)", ("'warn' or 'error'",)),
    ("  bad: {failon: [fail]}\n", "sqlmon_project.yml:7 (tiers.bad.failon)", ("did you mean 'fail_on'",)),
    ("  'p1:hot': {fail_on: [fail]}\n", "sqlmon_project.yml:7 (tiers.p1:hot)", ("is not a plain name",)),
    ("defaults:\n  not_null: {tier: criticl}\n", "sqlmon_project.yml:8 (defaults.not_null.tier)",
     ("tier 'criticl' is not declared", "did you mean 'critical'")),
    ("defaults:\n  not_null: {owner: ''}\n", "sqlmon_project.yml:8 (defaults.not_null.owner)", ("non-empty text",)),
    ("defaults:\n  not_null: {tierr: low}\n", "sqlmon_project.yml:8 (defaults.not_null.tierr)", ("did you mean 'tier'",)),
])
def test_project_file_mistakes(proj, extra, line, fragments):
    project(proj, extra)
    refused(proj, line, *fragments)


def test_a_tier_without_tiers_declared(proj):
    proj.monitors(MONITORS)
    refused(proj, "monitors.yml:7 (monitors[0].tier)", "tier 'critical' is not declared",
            "declare it under `tiers:` in sqlmon_project.yml")


# --- artifacts ---------------------------------------------------------------------------------------

def test_artifacts_carry_tier_and_owner(proj):
    project(proj)
    proj.run()
    data = json.loads((proj.root / "target" / "run_results.json").read_text())
    jsonschema.validate(data, json.loads((resources.files("sqlmon") / "schemas" / "run_results.schema.json").read_text()))
    assert data["metadata"]["schema_version"] == "1.3"
    assert data["metadata"]["fail_on"] == {"untiered": ["fail"], "tiers": {"critical": ["fail", "warn"],
                                                                           "standard": ["fail"], "low": []}}
    got = {r["unique_id"]: (r["tier"], r["owner"]) for r in data["results"]}
    assert got == {"crit._.row_count": ("critical", "ml-platform"), "lowm._.row_count": ("low", "analytics"),
                   "plain._.row_count": (None, None)}
    cases = {c.get("name"): c for c in ET.parse(proj.root / "target" / "junit.xml").getroot().iter("testcase")}
    props = {name: {p.get("name"): p.get("value") for p in case.iter("property")} for name, case in cases.items()}
    assert props == {"crit._.row_count": {"tier": "critical", "owner": "ml-platform"},
                     "lowm._.row_count": {"tier": "low", "owner": "analytics"}, "plain._.row_count": {}}
    lines = (proj.root / "target" / "summary.md").read_text().splitlines()
    table = [line for line in lines if line.startswith("| ")]
    assert table[0] == "| status | test | tier | owner | metric | threshold | message |"
    # by tier in the order sqlmon_project.yml declares them (critical first, untiered last), then status
    assert [row.split("|")[2].strip() for row in table[1:]] == ["`crit._.row_count`", "`lowm._.row_count`",
                                                                 "`plain._.row_count`"]
    assert "| ⚠️ warn | `crit._.row_count` | critical | ml-platform |" in table[1]
    assert "| ❌ fail | `lowm._.row_count` | low | analytics |" in table[2]


def test_summary_orders_problems_by_tier_then_status(proj):
    (proj.root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\n"
                                                  "tiers:\n  zeta: {fail_on: [warn, fail]}\n  alpha: {fail_on: [fail]}\n")
    proj.monitors("""
        version: 1
        monitors:
          - name: ev
            relation: main.events
            tests:
              - row_count: {name: a_warn, warn_if: "< 10", tier: alpha}
              - row_count: {name: a_fail, error_if: "< 10", tier: alpha}
              - row_count: {name: z_warn, warn_if: "< 10", tier: zeta}
              - row_count: {name: u_fail, error_if: "< 10"}
              - row_count: {name: z_fail, error_if: "< 10", tier: zeta}
    """)
    proj.run()
    rows = [line for line in (proj.root / "target" / "summary.md").read_text().splitlines() if line.startswith("| ")]
    assert [row.split("|")[2].strip().strip("`") for row in rows[1:]] == [
        "ev._.z_fail", "ev._.z_warn", "ev._.a_fail", "ev._.a_warn", "ev._.u_fail"]


def test_report_shows_tier_and_owner_and_filters_by_tier(proj):
    project(proj)
    proj.run("--report")
    html = (proj.root / "target" / "report.html").read_text()
    assert 'id="f-tier"' in html and '<option value="critical">critical</option>' in html
    assert html.index('<option value="critical">') < html.index('<option value="low">')
    assert 'data-tier="critical"' in html and "tier critical · owner ml-platform" in html

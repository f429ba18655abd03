"""What a run produces: a test's `Outcome` (before thresholds), its `Result` (after), the
statuses and their order, the `RunResult` of a run and its exit code.

Imported by every part (test types, the executor, history, reports, the CLI), so it imports
nothing of sqlmon's but its errors: plain values only.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlmon.errors import ConfigError, did_you_mean

STATUSES = ("pass", "warn", "fail", "error", "skipped")
RANK = {"error": 0, "fail": 1, "warn": 2, "skipped": 3, "pass": 4}


@dataclass
class Result:
    unique_id: str
    monitor: str
    column: str | None
    test_type: str
    name: str
    status: str
    severity: str
    metric: float | None
    warn_if: str | None
    error_if: str | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    windows: dict[str, Any] = field(default_factory=dict)
    segment: dict[str, Any] | None = None
    timing: float = 0.0
    tags: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    location: str = ""
    preset: str | None = None      # name@version of the preset the test came from
    tier: str | None = None        # its risk tier (sqlmon_project.yml `tiers:`): which statuses fail the run
    owner: str | None = None       # who to call (`owner:`, or `meta.owner`, cascaded)
    stage: str | None = None       # the run's stage (--stage): a key of the history of its own

    def to_dict(self) -> dict[str, Any]:
        """``clean(dataclasses.asdict(self))`` in one pass: asdict deep-copies every value before
        `clean` builds new containers anyway (a third of writing run_results.json)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass
class Outcome:
    """What a test type concludes from its answers, before thresholds are applied."""

    metric: float | None
    details: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    status: str | None = None        # `skipped` / `error`: could not be judged (e.g. not enough rows)
    judged: bool = True              # False: informational, thresholds not applied
    verdict: bool | None = None      # the test type's own rule (drift's two gates): True = breached


@dataclass
class RunResult:
    invocation_id: str
    as_of: datetime
    target: str
    adapter: str
    started_at: datetime
    finished_at: datetime
    results: list[Result]
    queries: list[Any] = field(default_factory=list)   # sqlmon.execute.Executed
    fail_on: str = "fail"
    project: Any = None     # sqlmon.config.project.Project
    warnings: list[str] = field(default_factory=list)     # e.g. a notification that could not be sent
    policy: "FailPolicy | None" = None    # `fail_on` with the project's tiers; None: `fail_on` alone
    stage: str | None = None      # --stage, else the project's default_stage (README "Stages")

    @property
    def exit_code(self) -> int:
        return exit_code(self.results, self.policy if self.policy is not None else self.fail_on)

    def raise_for_status(self) -> "RunResult":
        """Raise `RunFailed` when the run's exit code is not 0 (as `requests` does for HTTP): a
        scoring pipeline gates on `sqlmon.run(...).raise_for_status()` before publishing."""
        if self.exit_code:
            raise RunFailed(self)
        return self

    def by_status(self) -> dict[str, int]:
        out = {s: 0 for s in RANK}
        for r in self.results:
            out[r.status] += 1
        return out


@dataclass
class Compiled:
    """The SQL `sqlmon compile` shows for one test (its first round), or why there is none."""

    test: str
    sql: list[str]
    error: str | None = None
    preset: str | None = None      # name@version of the preset the test came from


def clean(value: Any) -> Any:
    """JSON-safe: NaN/inf -> None, tuples -> lists, datetimes -> ISO text, numpy -> Python."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):       # numpy scalars
        return clean(value.item())
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)


def _plain(value: Any) -> Any:
    """What ``clean`` makes of what ``dataclasses.asdict`` makes of `value` (nested dataclasses
    become dicts of their fields; everything else as `clean` has it), without the copies."""
    if hasattr(type(value), "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return clean(value)


class RunFailed(Exception):
    """A run whose exit code is not 0 (`RunResult.raise_for_status`); `.result` is the RunResult."""

    def __init__(self, result: RunResult):
        self.result = result
        policy = result.policy if result.policy is not None else result.fail_on
        bad = failing(result.results, policy)[:5]
        names = ", ".join(f"{r.unique_id} ({r.status})" for r in bad)
        silent = failing_unjudged(result.results, policy)
        why = names or f"judged nothing: {', '.join(silent)}"
        super().__init__(f"sqlmon run failed with exit code {result.exit_code}: {why}")


# What `--fail-on` may add to `fail` as statuses that make the exit code 1 (`error` is always 2).
FAIL_ON = ("fail", "warn", "skipped")


def fail_on_statuses(fail_on: str | Sequence[str] = "fail") -> frozenset[str]:
    """`"warn"`, `"warn,skipped"`, `["skipped"]` -> the statuses that fail an untiered test's run
    (always `fail`); tier-scoped entries (`critical:warn`) are left to `fail_policy`.

    >>> sorted(fail_on_statuses("warn,skipped"))
    ['fail', 'skipped', 'warn']
    """
    return parse_fail_on(fail_on)[0]


def parse_fail_on(fail_on: str | Sequence[str] = "fail") -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """`--fail-on`'s grammar: comma-separated `STATUS` (for untiered tests, always with `fail`) or
    `TIER:STATUS` (added to that tier's policy for this run) -> (untiered statuses, tier -> statuses).

    >>> untiered, tiers = parse_fail_on("warn,critical:skipped,critical:warn")
    >>> sorted(untiered), {t: sorted(s) for t, s in tiers.items()}
    (['fail', 'warn'], {'critical': ['skipped', 'warn']})
    """
    parts = [p.strip() for p in (fail_on.split(",") if isinstance(fail_on, str) else fail_on) if p.strip()]
    untiered, tiers = {"fail"}, {}
    for part in parts:
        tier, sep, status = part.rpartition(":")
        if sep and not tier.strip():
            raise ConfigError(f"--fail-on '{part}' names no tier", location="--fail-on",
                              hint="write TIER:STATUS, e.g. --fail-on critical:warn")
        status = status.strip()
        if status not in FAIL_ON:
            raise ConfigError(f"--fail-on '{part}' is not a status that can fail a run", location="--fail-on",
                              hint=did_you_mean(status, FAIL_ON) or "use fail, warn or skipped, comma-separated, each "
                              "optionally for one tier: critical:warn (error always fails: exit 2)")
        if sep:
            tiers.setdefault(tier.strip(), set()).add(status)
        else:
            untiered.add(status)
    return frozenset(untiered), {t: frozenset(s) for t, s in tiers.items()}


@dataclass(frozen=True)
class FailPolicy:
    """Which statuses fail the run (exit 1), test by test: its tier's list when it has one, else
    the untiered list (`--fail-on`). `error` is not in it: an error always exits 2."""

    untiered: frozenset[str] = frozenset({"fail"})
    tiers: dict[str, frozenset[str]] = field(default_factory=dict)    # in the order the project declares them

    def statuses(self, tier: str | None) -> frozenset[str]:
        return self.tiers.get(tier, self.untiered) if tier is not None else self.untiered


def fail_policy(fail_on: str | Sequence[str], tiers: dict[str, Sequence[str]]) -> FailPolicy:
    """`--fail-on` with the project's tier policies (tier -> its `fail_on:`): a tier-scoped entry
    adds to its tier's list (the command line tightens a policy; the project file is where one
    is loosened), and must name a declared tier.

    >>> p = fail_policy("warn,low:fail", {"critical": ["warn", "fail"], "low": []})
    >>> sorted(p.statuses(None)), sorted(p.statuses("low")), sorted(p.statuses("critical"))
    (['fail', 'warn'], ['fail'], ['fail', 'warn'])
    """
    untiered, scoped = parse_fail_on(fail_on)
    for tier in scoped:
        if tier not in tiers:
            declared = ", ".join(tiers)
            raise ConfigError(f"--fail-on '{tier}:...' names tier '{tier}', which sqlmon_project.yml does not declare",
                              location="--fail-on",
                              hint=did_you_mean(tier, tiers) or (f"declared tiers: {declared}" if declared else
                                   "declare it under `tiers:` in sqlmon_project.yml (README \"Tiers and owners\")"))
    return FailPolicy(untiered, {t: frozenset(s) | scoped.get(t, frozenset()) for t, s in tiers.items()})


def fail_on_notes(policy: FailPolicy, results: list[Result]) -> list[str]:
    """A bare `--fail-on` status that no test of the run follows (every one has a tier, e.g. under
    `default_tier:`) is said, not silently ignored."""
    extra = sorted(policy.untiered - {"fail"})
    if not extra or not results or any(r.tier is None for r in results):
        return []
    example = next(iter(policy.tiers), "TIER")
    return [f"--fail-on {','.join(extra)} applies to untiered tests, and every test of this run has a tier, whose "
            f"policy decides instead; to tighten a tier for this run, scope it: --fail-on {example}:{extra[0]}"]


def _policy(fail_on: "str | Sequence[str] | FailPolicy") -> FailPolicy:
    # `--fail-on` text alone knows no tiers: a tier-scoped entry is refused, not ignored
    return fail_on if isinstance(fail_on, FailPolicy) else fail_policy(fail_on, {})


def failing(results: list[Result], fail_on: "str | Sequence[str] | FailPolicy" = "fail") -> list[Result]:
    """The results that fail the run: an error, or a status its tier's policy (else --fail-on) fails on."""
    policy = _policy(fail_on)
    return [r for r in results if r.status == "error" or r.status in policy.statuses(r.tier)]


def unjudged_monitors(results: list[Result]) -> list[str]:
    """Monitors of which no test was judged (every one skipped or errored): a monitor that says
    nothing is not a monitor that passed."""
    judged = {r.monitor for r in results if r.status in ("pass", "warn", "fail")}
    return sorted({r.monitor for r in results} - judged)


def failing_unjudged(results: list[Result], fail_on: "str | Sequence[str] | FailPolicy" = "fail") -> list[str]:
    """The monitors that judged nothing and fail the run for it: judging nothing counts as a `fail`
    of the monitor, so a monitor whose tests are all in tiers that never fail on `fail` (`low`) is
    named, not failing."""
    policy = _policy(fail_on)
    silent = set(unjudged_monitors(results))
    return sorted({r.monitor for r in results if r.monitor in silent and "fail" in policy.statuses(r.tier)})


def exit_code(results: list[Result], fail_on: "str | Sequence[str] | FailPolicy" = "fail") -> int:
    """2 if any test errored (whatever its tier); else 1 if any test's status is one its tier's
    policy (an untiered test: `fail_on`) fails on, or a monitor judged nothing (`failing_unjudged`);
    else 0."""
    if any(r.status == "error" for r in results):
        return 2
    if failing(results, fail_on) or failing_unjudged(results, fail_on):
        return 1
    return 0

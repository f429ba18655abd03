"""Risk tiers and owners (README "Tiers and owners").

`sqlmon_project.yml` declares the tiers and their policy; monitors, tests and `defaults:` name a
tier and an owner:

```yaml
tiers:
  critical: {fail_on: [warn, fail], severity: error}
  standard: {fail_on: [fail]}
  low: {fail_on: []}
default_tier: standard
```

A tier's `fail_on` lists the statuses (warn, fail, skipped) that fail the run (exit 1) when a test
of that tier ends in one; `error` always exits 2, in any tier (an error is a broken check, not a
finding). Its `severity` is the severity of its tests that set none themselves.

Both keys cascade from the most specific place that writes one: the test, the monitor's
`defaults:` for its test type, the monitor, a preset's body, the project's `defaults:` for its
test type; then `default_tier:` for the tier, and the guarded dbt node's owner for the owner
(`sqlmon.config.project._owned`). `meta.owner` is an alias of `owner:` at every level, and
`meta.owner` stays filled with the resolved owner (readers of `meta` keep working).

Everything here is checked when the project loads, at the line that writes it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import field_validator

from sqlmon.config.specs import BadValue, MonitorSpec, ProjectSpec, Spec, validate
from sqlmon.config.yamlio import location_of
from sqlmon.errors import ConfigError, did_you_mean
from sqlmon.results import FAIL_ON

TIER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")     # no `:` or `,`: `--fail-on critical:warn` stays one word
HINT = "README \"Tiers and owners\""


class TierSpec(Spec):
    """One tier's policy under `tiers:`."""

    description: str | None = None
    fail_on: list[str] = ["fail"]
    severity: Literal["warn", "error"] | None = None

    @field_validator("fail_on")
    @classmethod
    def _statuses(cls, value: list[str]) -> list[str]:
        for status in value:
            if status == "error":
                raise BadValue("`error` cannot be in a tier's fail_on: an error always fails the run (exit 2)",
                               "list the statuses among warn, fail, skipped that fail the run; remove `error`")
            if status not in FAIL_ON:
                raise BadValue(f"'{status}' is not a status a tier can fail on",
                               did_you_mean(status, FAIL_ON) or "use warn, fail or skipped (`[]`: never fails the run)")
        return value


def check_project_tiers(spec: ProjectSpec, raw: Any, source: str) -> None:
    """`tiers:`, `default_tier:` and the tier and owner of the project's `defaults:`."""
    for name, body in spec.tiers.items():
        at = ("tiers", name)
        if not TIER_NAME.match(name):
            raise ConfigError(f"tier name '{name}' is not a plain name", location=location_of(source, raw, at),
                              hint="use letters, digits, _ and -, starting with a letter (`--fail-on NAME:warn` "
                                   "and `--select tier:NAME` write it)")
        validate(TierSpec, body or {}, source, raw, at)
    if spec.default_tier is not None:
        check_tier(spec.default_tier, spec, location_of(source, raw, ("default_tier",)))
    for test_type, body in spec.defaults.items():
        at = ("defaults", test_type)
        if body.get("tier") is not None:
            check_tier(body["tier"], spec, location_of(source, raw, (*at, "tier")))
        _owner_of(body, lambda key: location_of(source, raw, (*at, *key)))


def policy(spec: ProjectSpec, tier: str) -> TierSpec:
    """The policy of a declared tier (validated when the project loaded)."""
    return TierSpec.model_validate(spec.tiers.get(tier) or {})


def fail_on_by_tier(spec: ProjectSpec) -> dict[str, list[str]]:
    """Tier -> the statuses that fail the run, in the order sqlmon_project.yml declares them."""
    return {name: policy(spec, name).fail_on for name in spec.tiers}


def check_tier(tier: Any, spec: ProjectSpec, location: str) -> str:
    if not isinstance(tier, str):
        raise ConfigError(f"a tier is a name, got {tier!r}", location=location,
                          hint=f"write one of the tiers sqlmon_project.yml declares ({_declared(spec)})")
    if tier not in spec.tiers:
        declare = f"declare it under `tiers:` in sqlmon_project.yml ({HINT})"
        raise ConfigError(f"tier '{tier}' is not declared in sqlmon_project.yml", location=location,
                          hint=did_you_mean(tier, spec.tiers) or (f"declared tiers: {_declared(spec)}" if spec.tiers
                                                                  else declare))
    return tier


def _declared(spec: ProjectSpec) -> str:
    return ", ".join(spec.tiers) or "none yet"


def resolve(test_type: str, body: dict[str, Any], monitor: MonitorSpec, project: ProjectSpec,
            preset: dict[str, Any] | None, common: dict[str, Any], source: str, root: Any,
            entry_path: tuple) -> dict[str, Any]:
    """The test's `tier`, `owner`, `meta` (its owner filled in) and `severity` (its tier's, when no
    level sets one), to update the merged common keys of `build_test` with.

    The test's own keys are checked here, at their line; a preset's body at the test (its file is
    checked by its loader). The monitor's keys and its `defaults:` are checked by `check_monitor`
    once the monitor is built, the project's by `check_project_tiers` before any monitor."""
    def mine(key: tuple) -> str:
        return location_of(source, root, (*entry_path, *key))

    levels: list[tuple[dict[str, Any], Callable[[tuple], str] | None]] = [   # most specific first
        (body, mine), (monitor.defaults.get(test_type, {}), None),
        (monitor.model_dump(include={"tier", "owner", "meta"}), None),
        (preset or {}, lambda key: mine(())), (project.defaults.get(test_type, {}), None)]
    tier = next(((level["tier"], where) for level, where in levels if level.get("tier") is not None), None)
    if tier is not None and tier[1] is not None:
        check_tier(tier[0], project, tier[1](("tier",)))
    out: dict[str, Any] = {"tier": tier[0] if tier is not None else project.default_tier, "owner": None}
    for level, where in levels:
        out["owner"] = out["owner"] or _owner_of(level, where)
    if out["owner"]:
        out["meta"] = {**(common.get("meta") or {}), "owner": out["owner"]}
    if common.get("severity") is None and out["tier"] in project.tiers:
        severity = policy(project, out["tier"]).severity
        if severity is not None:
            out["severity"] = severity
    return out


def _owner_of(level: dict[str, Any], where: Callable[[tuple], str] | None) -> str | None:
    """A level's owner: `owner:` or its alias `meta.owner` (text; both only when they agree)."""
    meta = level.get("meta")
    found = [(key, value) for key, value in ((("owner",), level.get("owner")),
                                             (("meta", "owner"), meta.get("owner") if isinstance(meta, dict) else None))
             if value is not None]
    for key, value in found:
        if where is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"an owner is a non-empty text, got {value!r}", location=where(key),
                              hint="write a team or a person, e.g. `owner: ml-platform` (quote a number: '1234')")
    if where is not None and len(found) == 2 and found[0][1] != found[1][1]:
        raise ConfigError(f"two owners here: owner '{found[0][1]}' and meta.owner '{found[1][1]}'",
                          location=where(("owner",)), hint="`meta.owner` is an alias of `owner:`: keep one of them")
    return str(found[0][1]) if found else None


def check_monitor(monitor: Any, project: ProjectSpec) -> None:
    """A monitor's own `tier:`, `owner:` / `meta.owner` and those of its `defaults:`, at their
    lines, whether a test reads them or not (`monitor`: a sqlmon.config.project.Monitor, which
    keeps the document it was read from)."""
    spec: MonitorSpec = monitor.spec

    def where(*key: Any) -> Callable[[tuple], str]:
        return lambda rest: location_of(monitor.source, monitor.raw, (*monitor.base, *key, *rest))

    if spec.tier is not None:
        check_tier(spec.tier, project, where()(("tier",)))
    _owner_of(spec.model_dump(include={"owner", "meta"}), where())
    for test_type, body in spec.defaults.items():
        if body.get("tier") is not None:
            check_tier(body["tier"], project, where("defaults", test_type)(("tier",)))
        _owner_of(body, where("defaults", test_type))

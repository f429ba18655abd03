"""Stages: the checks travel with a model through its life — validation before it ships, a shadow
period beside the current model, production monitoring (README "Stages").

`sqlmon_project.yml` declares the stage names, each with optional `defaults:` (by test type, over
the project's), and the stage a run takes without `--stage`:

```yaml
stages:
  validation: {description: the holdout, before the model ships}
  shadow: {}
  production: {defaults: {drift: {severity: error}}}
default_stage: production
```

A monitor or a test takes `stages:` as a list (it runs only in those stages) or as a mapping of
stage -> the keys it overrides there (it runs in every stage, with those keys in that one):

```yaml
  - name: churn
    relation: analytics.churn_scores
    stages: {validation: {relation: analytics.churn_holdout, current: null, reference: null}}
    tests:
      - roc_auc: {error_if: "< 0.75", stages: {validation: {error_if: "< 0.80"}}}
      - freshness: {stages: [production, shadow]}
```

Once loaded, `ProjectSpec.default_stage` holds the run's stage: `--stage`, else `default_stage:`,
else None. A run without a stage takes the monitors as written, and what a list limits to some
stages does not run in it. Every `stages:` is checked when the project loads, whatever stage the
run is in — names declared (with "did you mean"), override keys known, thresholds valid — so a
typo in the shadow stage is refused by the production run too.
"""
from __future__ import annotations

import functools
import re
from types import SimpleNamespace
from typing import Any, Optional

from pydantic import create_model

from sqlmon.config.specs import MonitorSpec, ProjectSpec, Spec, TestSpec, validate
from sqlmon.config.thresholds import parse_threshold
from sqlmon.config.yamlio import location_of
from sqlmon.errors import ConfigError, did_you_mean

STAGE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
HINT = 'README "Stages"'
THRESHOLD_KEYS = ("warn_if", "error_if")
# A stage never renames (the unique id is the same in every stage: the stage is a key of its own in
# the history) and never nests stages; a monitor's tests and columns change through the tests' own
# `stages:`.
FIXED_MONITOR_KEYS = ("name", "tests", "columns", "stages")
FIXED_TEST_KEYS = ("name", "stages")


class StageSpec(Spec):
    """One stage under `stages:` in sqlmon_project.yml."""

    description: str | None = None
    defaults: dict[str, dict[str, Any]] = {}     # by test type, over the project's `defaults:`


def check_project_stages(spec: ProjectSpec, raw: Any, source: str) -> None:
    """`stages:` (names, bodies) and `default_stage:`, at their lines."""
    for name, body in spec.stages.items():
        at = ("stages", name)
        if not STAGE_NAME.match(name):
            raise ConfigError(f"stage name '{name}' is not a plain name", location=location_of(source, raw, at),
                              hint="use letters, digits, _ and -, starting with a letter (`--stage NAME` writes it)")
        validate(StageSpec, body or {}, source, raw, at)
    if spec.default_stage is not None:
        check_stage(spec.default_stage, spec, location_of(source, raw, ("default_stage",)))


def stage_defaults(spec: ProjectSpec, name: str) -> dict[str, dict[str, Any]]:
    return StageSpec.model_validate(spec.stages.get(name) or {}).defaults


def for_stage(spec: ProjectSpec, stage: str | None) -> ProjectSpec:
    """The project spec of a run in `stage` (`--stage`; None: the project's `default_stage:`):
    `default_stage` set to the run's stage, and that stage's `defaults:` over the project's, key by
    key per test type (thresholds as a pair, as every level of the cascade)."""
    if stage is not None:
        check_stage(stage, spec, "--stage")
    chosen = stage if stage is not None else spec.default_stage
    if chosen is None:
        return spec
    defaults = {t: dict(body) for t, body in spec.defaults.items()}
    for test_type, body in stage_defaults(spec, chosen).items():
        level = defaults.setdefault(test_type, {})
        if any(k in body for k in THRESHOLD_KEYS):
            for k in THRESHOLD_KEYS:
                level.pop(k, None)
        level.update(body)
    return spec.model_copy(update={"default_stage": chosen, "defaults": defaults})


def check_stage(stage: Any, spec: ProjectSpec, location: str) -> str:
    if not isinstance(stage, str):
        raise ConfigError(f"a stage is a name, got {stage!r}", location=location,
                          hint=f"write one of the stages sqlmon_project.yml declares ({_declared(spec)})")
    if stage not in spec.stages:
        raise ConfigError(f"stage '{stage}' is not declared in sqlmon_project.yml", location=location,
                          hint=did_you_mean(stage, spec.stages) or (
                              f"declared stages: {_declared(spec)}" if spec.stages else
                              f"declare it under `stages:` in sqlmon_project.yml ({HINT})"))
    return stage


def _declared(spec: ProjectSpec) -> str:
    return ", ".join(spec.stages) or "none yet"


def _check_rule(rule: Any, spec: ProjectSpec, source: str, raw: Any, at: tuple) -> None:
    """`stages:` on a monitor or a test: a list of declared stages, or a mapping of declared
    stages to mappings of keys."""
    if isinstance(rule, list):
        for i, name in enumerate(rule):
            check_stage(name, spec, location_of(source, raw, (*at, i)))
        return
    if not isinstance(rule, dict):
        raise ConfigError("`stages:` is a list of stages (run only in those) or a mapping of stage -> the keys "
                          "it changes there", location=location_of(source, raw, at),
                          hint='e.g. `stages: [production, shadow]` or `stages: {validation: {error_if: "< 0.8"}}`')
    for name, body in rule.items():
        check_stage(name, spec, location_of(source, raw, (*at, name)))
        if body is not None and not isinstance(body, dict):
            raise ConfigError(f"stage '{name}' takes a mapping of the keys it changes, got {body!r}",
                              location=location_of(source, raw, (*at, name)), hint='e.g. {error_if: "< 0.8"}')


# --- monitors -------------------------------------------------------------------------------

@functools.cache
def _monitor_override() -> type[Spec]:
    """A stage's overrides of a monitor: any monitor key but the fixed ones, each optional (`null`
    clears it: `current: null` judges the whole relation). Built from MonitorSpec, so a key added
    to monitors can be staged too."""
    fields: dict[str, Any] = {k: (Optional[f.annotation], None) for k, f in MonitorSpec.model_fields.items()
                              if k not in FIXED_MONITOR_KEYS}
    return create_model("StageOverride", __base__=Spec, **fields)


def staged_monitor(mon: MonitorSpec, spec: ProjectSpec, source: str, raw: Any,
                   base: tuple) -> tuple[MonitorSpec, tuple | None]:
    """The monitor in the run's stage, and where that stage's overrides are written (their keys'
    lines, for later errors), or None. A monitor a list leaves out is `enabled: false`."""
    rule = mon.stages
    if rule is None:
        return mon, None
    at = (*base, "stages")
    _check_rule(rule, spec, source, raw, at)
    stage = spec.default_stage
    if isinstance(rule, list):
        return mon.model_copy(update={"stages": None, **({} if stage in rule else {"enabled": False})}), None
    for name, body in rule.items():                     # every stage's keys, whatever the run's stage
        validate(_monitor_override(), body or {}, source, raw, (*at, name))
    body = rule.get(stage) if stage is not None else None
    if not body:
        return mon.model_copy(update={"stages": None}), None
    # validated whole again, so checks across keys (models: and model:) see the stage's values
    merged = {**mon.model_dump(exclude_unset=True, by_alias=True), **body, "stages": None}
    return validate(MonitorSpec, merged, source, raw, (*at, stage)), (*at, stage)


# --- tests ----------------------------------------------------------------------------------

def staged_test(body: dict[str, Any], preset: dict[str, Any] | None, spec: ProjectSpec, allowed: list[str],
                source: str, root: Any, entry_path: tuple) -> tuple[dict[str, Any], dict[str, Any] | None,
                                                                    dict[str, Any] | None, tuple | None]:
    """A test entry's `stages:` (else its preset's) -> (its body and its preset's body without it,
    the run's stage's overrides — the most specific level of the cascade — and where they are
    written). The overrides are None when the run's stage leaves the test out."""
    if "stages" in body:
        rule, at = body["stages"], (*entry_path, "stages")
    elif preset and "stages" in preset:
        rule, at = preset["stages"], entry_path       # a preset's body: its line is the test's
    else:
        return body, preset, {}, None
    body = {k: v for k, v in body.items() if k != "stages"}
    preset = {k: v for k, v in preset.items() if k != "stages"} if preset is not None else None
    if rule is None:
        return body, preset, {}, None
    _check_rule(rule, spec, source, root, at)
    stage = spec.default_stage
    if isinstance(rule, list):
        return body, preset, ({} if stage in rule else None), None
    keys = [k for k in allowed if k not in FIXED_TEST_KEYS]
    for name, overrides in rule.items():
        for key, value in (overrides or {}).items():
            where = location_of(source, root, (*at, name, key))
            if key not in keys:
                raise ConfigError(f"'{key}' cannot change in stage '{name}'" if key in FIXED_TEST_KEYS else
                                  f"unknown key '{key}' in stage '{name}'", location=where,
                                  hint="a test has one name (and id) in every stage; the stage is a key of its own"
                                  if key in FIXED_TEST_KEYS else
                                  did_you_mean(key, keys) or f"allowed keys: {', '.join(sorted(keys))}")
            if key in THRESHOLD_KEYS and value is not None:
                parse_threshold(value, where)
    overrides = dict(rule.get(stage) or {}) if stage is not None else {}
    if overrides.get("enabled") is False:
        return body, preset, None, None
    return body, preset, overrides, ((*at, stage) if overrides else None)


def left_out(test_type: str, tt: Any, merged: dict[str, Any], monitor: MonitorSpec, column: str | None,
             location: str) -> TestSpec:
    """A test the run's stage leaves out: disabled and not validated (a drift test kept out of the
    validation stage may need the reference that stage's monitor has not), with its unique id, so
    ids stay unique in every stage."""
    name = merged.get("name")
    if not isinstance(name, str):
        try:
            name = tt.default_name(SimpleNamespace(**merged))
        except Exception:  # noqa: BLE001 - a name from parameters this stage does not check
            name = test_type
    return TestSpec(test_type=test_type, enabled=False, location=location, column=column, monitor=monitor.name,
                    unique_id=f"{monitor.name}.{column or '_'}.{name}")


__all__ = ["StageSpec", "check_project_stages", "check_stage", "for_stage", "left_out", "stage_defaults",
           "staged_monitor",
           "staged_test"]

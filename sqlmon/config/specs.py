"""Typed specs of a project, validated with pydantic at the YAML boundary only.

Pydantic gives precise key paths for free; `validate()` turns them into sqlmon's error format
with file:line (from `yamlio`) and a "did you mean" for unknown keys. Test entries are
normalised here too: a bare name or a one-key mapping `{<test_type>: {params}}`.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from sqlmon.config.thresholds import Threshold, parse_duration, parse_instant, parse_span, parse_threshold
from sqlmon.config.yamlio import key_path, locate
from sqlmon.errors import ConfigError, did_you_mean

M = TypeVar("M", bound=BaseModel)


class BadValue(ValueError):
    """Raised by a spec validator: `validate()` reports it with the key's file:line and this hint."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def _checked(parse: Any) -> Any:
    """A pydantic before-validator from a parser that raises ConfigError."""
    def check(value: Any) -> Any:
        try:
            return parse(value)
        except ConfigError as err:
            raise BadValue(err.message, err.hint) from None
    return check


def _duration_text(value: Any) -> Any:
    """A span like "3 days", checked and kept as written."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadValue(f"expected a span like '3 days', got {value!r}", "write e.g. `label_delay: 3 days`")
    parse_duration(value)
    return value


# A threshold is typed when the project loads (operator, number, unit) and written back as its text.
ThresholdText = Annotated[Threshold, BeforeValidator(_checked(parse_threshold)),
                          PlainSerializer(lambda t: t.text, return_type=str),
                          WithJsonSchema({"type": "string", "examples": ["> 1%", "< 1000", "> 6 hours"]})]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WindowSpec(Spec):
    """`{last: 1 day}`, `{between: [a, b]}`, `{previous: 7 days}` or `{relation: X, ...}`."""

    last: str | None = None
    between: tuple[str, str] | None = None
    previous: str | None = None
    relation: str | None = None
    timestamp: str | None = None
    where: str | None = None

    @field_validator("between", mode="before")
    @classmethod
    def _dates_as_text(cls, v: Any) -> Any:
        return [str(x) for x in v] if isinstance(v, list) else v

    # Durations and dates stay text (the reference definition is hashed as written: pinned
    # baselines keep their key), but are checked now: a window that cannot resolve is refused
    # before any query.
    @field_validator("last", "previous")
    @classmethod
    def _span(cls, v: str | None) -> str | None:
        if v is not None:
            _checked(parse_span)(v)
        return v

    @field_validator("between")
    @classmethod
    def _forward(cls, v: tuple[str, str] | None) -> tuple[str, str] | None:
        if v is not None:
            start, end = (_checked(parse_instant)(x) for x in v)
            if start >= end:
                raise BadValue(f"`between` must go forward in time: {list(v)}", "write [start, end) with start < end")
        return v

    @model_validator(mode="after")
    def _one_form(self) -> "WindowSpec":
        forms = [k for k in ("last", "between", "previous") if getattr(self, k) is not None]
        if len(forms) > 1:
            raise BadValue(f"a window has both `{forms[0]}` and `{forms[1]}`",
                           "a window is one of {last: N unit}, {between: [a, b]}, {previous: N unit}")
        return self


class ModelSpec(Spec):
    task: Literal["binary_classification", "multiclass_classification", "regression"]
    prediction: str | None = None
    score: str | None = None
    label: str | None = None
    decision_threshold: float = Field(0.5, ge=0, le=1)
    positive: Any = 1
    # How long labels take to arrive ("3 days"): realised model-quality tests judge the windows
    # as of `as_of - label_delay`, whose labels are complete; estimated tests judge the newest.
    label_delay: Annotated[str | None, BeforeValidator(_checked(_duration_text))] = None


NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")       # a model's name (part of its tests' unique ids)


class ModelEntry(Spec):
    """One model of `models:` (several models scoring the same rows: champion, challenger, ...):
    its own output columns; task, label, positive class and label delay are the monitor's `model:`."""

    score: str | None = None
    prediction: str | None = None
    decision_threshold: float | None = Field(None, ge=0, le=1)
    label: str | None = None           # only to say it: it must be the shared label


class ColumnSpec(Spec):
    name: str
    description: str | None = None
    kind: Literal["numeric", "categorical", "boolean"] | None = None
    tags: list[str] = []
    meta: dict[str, Any] = {}
    tests: list[Any] = []


class MonitorSpec(Spec):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    relation: str
    description: str | None = None
    timestamp: str | None = None
    current: WindowSpec | None = None
    reference: WindowSpec | None = None
    where: str | None = None
    segments: list[str] = []
    model: ModelSpec | None = None
    models: dict[str, ModelEntry] = {}    # several models over the same rows (`model:` holds what they share)
    # `name`, `[a, b]`, `{name: {param: value}}` or a list mixing both (sqlmon.config.presets)
    preset: str | dict[str, dict[str, Any] | None] | list[str | dict[str, dict[str, Any] | None]] | None = None
    tags: list[str] = []
    meta: dict[str, Any] = {}
    tier: str | None = None               # a tier of sqlmon_project.yml `tiers:` (sqlmon.config.tiers)
    owner: str | None = None              # `meta.owner` is an alias
    enabled: bool = True
    defaults: dict[str, dict[str, Any]] = {}
    tests: list[Any] = []
    columns: list[ColumnSpec] = []
    # `[validation, production]`: only in those stages; `{validation: {relation: ...}}`: per-stage
    # overrides of these keys (sqlmon.config.stages, README "Stages")
    stages: list[str] | dict[str, dict[str, Any] | None] | None = None

    @model_validator(mode="after")
    def _models_share_the_label(self) -> "MonitorSpec":
        if not self.models:
            return self
        if self.model is None:
            raise BadValue("`models:` needs the monitor's `model:` block for what the models share",
                           "add e.g. `model: {task: binary_classification, label: <label column>}`")
        for name, entry in self.models.items():
            if not NAME.match(str(name)):
                raise BadValue(f"model name '{name}' is not usable", "use letters, digits and _, starting with a letter")
            if entry.label is not None and entry.label != self.model.label:
                raise BadValue(f"model '{name}' has label '{entry.label}', the monitor's models share "
                               f"'{self.model.label}'", "models compared on the same rows share one label column")
        return self

    def model_named(self, name: str | None) -> ModelSpec | None:
        """The model a test judges: `model: <name>` of `models:` (its columns over the shared
        block), or without a name the monitor's `model:` (with `models:`, the first declared)."""
        if self.model is None:
            return None
        if name is None and not self.models:
            return self.model
        entry = self.models[name if name is not None else next(iter(self.models))]
        own = {k: v for k, v in entry.model_dump().items() if v is not None and k != "label"}
        return self.model.model_copy(update=own)


class MonitorFile(Spec):
    version: Literal[1] = 1
    monitors: list[MonitorSpec] = []


class HistorySpec(Spec):
    """`history:` in sqlmon_project.yml: where the results history lives (README "Where the
    history lives")."""

    enabled: bool = True
    backend: Literal["duckdb", "postgres", "parquet"] | None = None
    path: str | None = None
    schema_name: str = Field("sqlmon", alias="schema")
    lock_timeout: float = Field(60.0, ge=0)


class DbtSpec(Spec):
    """`dbt:` in sqlmon_project.yml: the dbt project whose manifest resolves `ref()`/`source()`
    (README "With dbt"). Without the key, a dbt project around the sqlmon project is found."""

    project_dir: str | None = None        # relative to the sqlmon project
    manifest: str | None = None           # relative to the dbt project; default <target-path>/manifest.json
    import_tests: bool = False            # dbt's data_tests: on the models become sqlmon tests


class EvidenceSpec(Spec):
    """`evidence:` in sqlmon_project.yml: whether a test that warns or fails fetches its offending
    values (and, with `samples:`, failing rows) in a follow-up query (README "Evidence"). Values
    are user data: `evidence: false` sends no such query at all."""

    enabled: bool = True
    top: int = Field(10, ge=1, le=100, strict=True)      # offending values kept per test


class ProjectSpec(Spec):
    name: str
    version: Any = None
    profile: str | None = None
    config_version: int | None = None
    monitor_paths: list[str] = ["monitors"]
    macro_paths: list[str] = ["macros"]
    target_path: str | None = None        # default target/, or target/sqlmon/ beside dbt's files
    sql_dialect: str = "duckdb"
    history: HistorySpec = HistorySpec()
    evidence: EvidenceSpec = EvidenceSpec()
    dbt: DbtSpec | Literal[False] | None = None     # false: not a dbt project, whatever is around it
    defaults: dict[str, dict[str, Any]] = {}
    vars: dict[str, Any] = {}
    tiers: dict[str, dict[str, Any] | None] = {}    # name -> policy, checked by sqlmon.config.tiers
    default_tier: str | None = None
    stages: dict[str, dict[str, Any] | None] = {}   # name -> {description, defaults}, checked by sqlmon.config.stages
    default_stage: str | None = None                # once loaded: the run's stage (--stage wins)
    notifications: dict[str, Any] | None = None     # channels and routes, checked by sqlmon.config.notifications
    preset_paths: list[str] = ["presets"]
    # The instant runs judge when --as-of is not given: data that does not move (a demo, a replay
    # of an incident). Checked now, like every instant.
    as_of: str | None = None

    @field_validator("as_of", mode="before")
    @classmethod
    def _instant(cls, v: Any) -> Any:
        if v is not None:
            _checked(parse_instant)(str(v))
        return None if v is None else str(v)

    @field_validator("history", mode="before")
    @classmethod
    def _empty_history(cls, value: Any) -> Any:
        return {} if value is None else value      # `history:` with nothing under it

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence_switch(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, bool):                 # `evidence: false`, the one switch
            return {"enabled": value}
        if not isinstance(value, dict):
            raise BadValue(f"`evidence:` is true, false or a mapping, got {value!r}",
                           "write `evidence: false` to send no evidence query, or `evidence: {enabled: true, top: 10}`")
        return value


# --- test entries -------------------------------------------------------------------------

COMMON_KEYS = ("name", "description", "warn_if", "error_if", "severity", "where", "tags", "meta",
               "enabled", "compare", "segments", "tier", "owner")


class TestSpec(Spec):
    """One test entry after normalisation; `params` holds the test type's own keys."""

    test_type: str
    params: dict[str, Any] = {}
    name: str | None = None
    description: str | None = None
    warn_if: ThresholdText | None = None
    error_if: ThresholdText | None = None
    severity: Literal["warn", "error"] = "error"
    where: str | None = None
    tags: list[str] = []
    meta: dict[str, Any] = {}
    tier: str | None = None             # resolved by the loader: test -> monitor -> ... (sqlmon.config.tiers)
    owner: str | None = None            # likewise; `meta.owner` is an alias
    enabled: bool = True
    compare: Literal["reference"] | dict[Literal["reference"], Literal["difference", "ratio"]] | None = None
    segments: list[str] | None = None
    location: str = ""
    # set by the loader, not by YAML:
    preset: str | None = None          # name@version of the preset it came from (sqlmon.config.suites)
    column: str | None = None
    monitor: str = ""
    unique_id: str = ""
    locations: dict[str, str] = {}      # key of the entry -> file:line (key.path), for later checks


def split_entry(raw: Any, location: str) -> tuple[str, dict[str, Any]]:
    """A bare name or a one-key mapping -> (test type, its mapping of keys)."""
    if isinstance(raw, str):
        return raw, {}
    if isinstance(raw, dict) and len(raw) == 1:
        (test_type, body), = raw.items()
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise ConfigError(f"test '{test_type}' takes a mapping of parameters, got {body!r}", location=location,
                              hint=f"write `- {test_type}: {{error_if: \"> 0\"}}` or just `- {test_type}`")
        return str(test_type), dict(body)
    raise ConfigError(f"a test entry is a name or a one-key mapping, got {raw!r}", location=location,
                      hint="write `- not_null` or `- not_null: {error_if: \"> 1%\"}`")


def validate(model: type[M], raw: Any, source: str, root: Any = None, base: tuple = ()) -> M:
    """Validate `raw` into `model`; errors cite `source:line (key.path)` and suggest fixes."""
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        errors = err.errors()
        # A misspelt key also shows up as a missing one: report the typo, it is the cause.
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        full = base + loc
        line = locate(root if root is not None else raw, full)
        location = f"{source}:{line}" if line else source
        if full:
            location += f" ({key_path(full)})"
        if first["type"] == "extra_forbidden":
            key = loc[-1]
            allowed = _allowed_keys(model, loc[:-1])
            hint = did_you_mean(key, allowed) or (f"allowed keys: {', '.join(sorted(allowed))}" if allowed else None)
            raise ConfigError(f"unknown key '{key}'", location=location, hint=hint) from None
        if first["type"] == "missing" and isinstance(loc[-1], int):
            raise ConfigError(f"needs {loc[-1] + 1} items here, got fewer", location=location,
                              hint="e.g. `between: [2024-01-01, 2024-02-01]`") from None
        if first["type"] == "missing":
            raise ConfigError(f"missing required key '{loc[-1]}'", location=location,
                              hint=f"add `{loc[-1]}:` here") from None
        problem = (first.get("ctx") or {}).get("error")
        if isinstance(problem, BadValue):
            raise ConfigError(problem.message, location=location, hint=problem.hint) from None
        value = first.get("input")
        shown = f" (got {_shown(value)})" if not isinstance(value, (dict, list)) else ""
        what = _SHAPES.get(first["type"])
        if what:
            raise ConfigError(f"must be {what[0]}{shown}", location=location, hint=what[1]) from None
        raise ConfigError(f"{first['msg']}{shown}", location=location, hint=_hint(first)) from None


# pydantic's shape errors, in YAML words: (what it must be, an example)
_SHAPES = {
    "model_type": ("a mapping of keys", "write `key: value` lines (or `{key: value}`) here"),
    "model_attributes_type": ("a mapping of keys", "write `key: value` lines (or `{key: value}`) here"),
    "dict_type": ("a mapping", "write `key: value` lines (or `{key: value}`) here"),
    "list_type": ("a list", "write `[a, b]` or one `- item` per line"),
    "tuple_type": ("a list", "write `[a, b]`"),
    "string_type": ("text", "quote it: 'text'"),
    "string_pattern_mismatch": ("a plain name", "use letters, digits and _, not starting with a digit"),
    "bool_type": ("true or false", "write true or false"),
    "bool_parsing": ("true or false", "write true or false"),
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:80] + "…"


def _hint(error: dict[str, Any]) -> str:
    """How to fix a pydantic type or range error, in YAML terms."""
    kind = error["type"]
    if kind in ("finite_number",):
        return "give a finite number (not .nan or .inf)"
    if kind.startswith(("greater_than", "less_than")):
        return f"give a value {error['msg'].removeprefix('Input should be ')}"
    if kind == "literal_error":
        return f"use {error['msg'].removeprefix('Input should be ')}"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"give {error['msg'].removeprefix('Input should be ')}"
    return "see the README's YAML reference for this key"


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the sub-model that `loc` points into (for "did you mean")."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        current = _inner_model(field.annotation) if field else None
    return list(current.model_fields) if current is not None and hasattr(current, "model_fields") else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None

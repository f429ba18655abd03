"""Profiles: find `profiles.yml` (dbt's layout: profile -> target -> outputs) and render the chosen
target, remembering where each key is written so a later check can point at it."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmon.config.vars import render_value
from sqlmon.config.yamlio import key_locations, load_yaml, locate, location_of
from sqlmon.errors import ConfigError, did_you_mean


def profiles_search(root: Path, profiles_dir: Path | str | None, dbt_dir: Path | None = None) -> list[Path]:
    """Where profiles.yml is looked for, first found wins: --profiles-dir, $SQLMON_PROFILES_DIR,
    $DBT_PROFILES_DIR (dbt's own), the project, the dbt project around it, ~/.sqlmon, ~/.dbt."""
    for given in (profiles_dir, os.environ.get("SQLMON_PROFILES_DIR"), os.environ.get("DBT_PROFILES_DIR")):
        if given:
            return [Path(given).expanduser()]
    dirs = [root, *([dbt_dir] if dbt_dir is not None and dbt_dir != root else [])]
    return [*dirs, Path.home() / ".sqlmon", Path.home() / ".dbt"]


@dataclass(frozen=True)
class Target:
    """The chosen output of a profile: its name, its rendered keys, and where each key is written."""

    name: str
    config: dict[str, Any]
    locations: dict[str, str]       # key -> "profiles.yml:line (profile.outputs.name.key)"
    location: str                   # the output's own line


def load_target(root: Path, profile_name: str, target: str | None, profiles_dir: Path | str | None,
                context: dict[str, Any], dbt_dir: Path | None = None) -> Target:
    """The chosen target; relative file paths in it are taken from the dbt project folder when
    there is one (where dbt resolves them), else from the sqlmon project's (`project_dir`)."""
    dirs = profiles_search(root, profiles_dir, dbt_dir)
    path = next((d / "profiles.yml" for d in dirs if (d / "profiles.yml").exists()), None)
    if path is None:
        raise ConfigError(f"no profiles.yml found (looked in {', '.join(map(str, dirs))})",
                          hint="create profiles.yml in the project, or pass --profiles-dir / set SQLMON_PROFILES_DIR")
    raw = load_yaml(path) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} must map profile names to their targets", location=f"{path}:1",
                          hint=f"e.g. `{profile_name}: {{target: dev, outputs: {{dev: {{type: duckdb, path: warehouse.duckdb}}}}}}`")
    if profile_name not in raw:
        raise ConfigError(f"profile '{profile_name}' not found in {path}", location=f"{path}:1",
                          hint=did_you_mean(profile_name, raw) or "set `profile:` in sqlmon_project.yml to a profile in profiles.yml")
    profile = raw[profile_name] or {}
    outputs = profile.get("outputs") if isinstance(profile, dict) else None
    if not isinstance(outputs, dict):
        raise ConfigError(f"profile '{profile_name}' needs `outputs:`, a mapping of targets",
                          location=location_of(str(path), raw, (profile_name, "outputs")),
                          hint=f"e.g. `{profile_name}: {{target: dev, outputs: {{dev: {{type: duckdb, path: warehouse.duckdb}}}}}}`")
    name = str(target or os.environ.get("SQLMON_TARGET") or os.environ.get("DBT_TARGET") or profile.get("target") or "dev")
    if name not in outputs:
        line = locate(raw, (profile_name, "outputs"))
        raise ConfigError(f"target '{name}' not found in profile '{profile_name}'", location=f"{path}:{line}",
                          hint=did_you_mean(name, outputs) or f"targets here: {', '.join(outputs) or 'none'}")
    base = (profile_name, "outputs", name)
    if not isinstance(outputs[name], dict):
        raise ConfigError(f"target '{name}' must be a mapping of connection keys", location=location_of(str(path), raw, base),
                          hint="e.g. `dev: {type: duckdb, path: warehouse.duckdb}`")
    cfg = dict(render_value(outputs[name], context, str(path), raw, base))
    if "type" not in cfg:
        raise ConfigError(f"target '{name}' has no `type:`", location=location_of(str(path), raw, base),
                          hint="add `type: duckdb` (or postgres, spark)")
    cfg["project_dir"] = str(dbt_dir or root)     # adapters resolve relative file paths against it
    return Target(name, cfg, key_locations(str(path), raw, base, depth=1), location_of(str(path), raw, base))

"""The dbt project a sqlmon project lives in (README "With dbt"): where it is, which profile it
uses, where dbt writes its artifacts (so sqlmon's never overwrite them), and what `target` is in
Jinja. Read from `dbt_project.yml` and the profile; dbt itself is never imported.

Found by `dbt: {project_dir: ...}` in sqlmon_project.yml, else by looking for `dbt_project.yml`
in the sqlmon project's folder and then its parents, up to the first folder holding `.git` (the
repository both live in). `dbt: false` turns it off.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmon.config.specs import DbtSpec, ProjectSpec
from sqlmon.config.yamlio import load_yaml, location_of
from sqlmon.errors import ConfigError

DBT_PROJECT_FILE = "dbt_project.yml"
SQLMON_SUBDIR = "sqlmon"      # sqlmon's artifacts beside dbt's: <dbt target-path>/sqlmon/


@dataclass(frozen=True)
class DbtProject:
    root: Path                 # the folder of dbt_project.yml
    name: str
    profile: str | None
    target_dir: Path           # dbt's artifacts (target-path)
    manifest: Path
    location: str              # where it was named (sqlmon_project.yml:line) or found


def find_dbt_project(root: Path, spec: ProjectSpec, raw: Any, source: str) -> DbtProject | None:
    """The dbt project of the sqlmon project at `root`, or None (`raw`/`source`: the parsed
    sqlmon_project.yml, for error locations)."""
    if spec.dbt is False:
        return None
    given = spec.dbt if isinstance(spec.dbt, DbtSpec) else DbtSpec()
    where = f"named at {location_of(source, raw, ('dbt',))}" if isinstance(raw, dict) and "dbt" in raw else None
    if given.project_dir is not None:
        at = location_of(source, raw, ("dbt", "project_dir"))
        folder = (root / Path(given.project_dir).expanduser()).resolve()
        if not (folder / DBT_PROJECT_FILE).is_file():
            raise ConfigError(f"no {DBT_PROJECT_FILE} in {folder}", location=at,
                              hint="set `dbt: {project_dir: ...}` to the folder of the dbt project (relative to "
                                   "this file), or remove it")
        found = folder
    else:
        found = _around(root)
        if found is None:
            if given.manifest is not None:
                raise ConfigError(f"`dbt: {{manifest: ...}}` needs a dbt project, and none is around {root}",
                                  location=location_of(source, raw, ("dbt", "manifest")),
                                  hint="add `project_dir:` (the folder of dbt_project.yml) next to `manifest:`")
            return None
        where = where or ("found beside sqlmon_project.yml" if found == root else f"found above {root}")
    return _read(found, given, where or str(found / DBT_PROJECT_FILE), raw, source)


def _around(root: Path) -> Path | None:
    for folder in [root, *root.parents]:
        if (folder / DBT_PROJECT_FILE).is_file():
            return folder
        if (folder / ".git").exists():
            return None
    return None


def _read(folder: Path, given: DbtSpec, where: str, raw: Any, source: str) -> DbtProject:
    path = folder / DBT_PROJECT_FILE
    doc = load_yaml(path, str(path))
    if not isinstance(doc, dict):
        raise ConfigError(f"{path} is not a dbt project file (a mapping with `name:`)", location=f"{path}:1",
                          hint="check the file, or set `dbt: false` in sqlmon_project.yml if this is not your dbt project")
    name, profile = doc.get("name"), doc.get("profile")
    if not isinstance(name, str) or (profile is not None and not isinstance(profile, str)):
        raise ConfigError(f"{path}: `name:` and `profile:` must be names", location=location_of(str(path), doc, ("name",)),
                          hint="check dbt_project.yml (`dbt debug` checks it too)")
    # dbt's own precedence for its artifacts folder: DBT_TARGET_PATH, then `target-path:`
    target = os.environ.get("DBT_TARGET_PATH") or doc.get("target-path") or "target"
    if not isinstance(target, str) or "\x00" in target:
        raise ConfigError(f"{path}: `target-path:` must be a folder", location=location_of(str(path), doc, ("target-path",)),
                          hint="e.g. `target-path: target`")
    target_dir = (folder / Path(target).expanduser()).resolve()
    manifest = (folder / Path(given.manifest).expanduser()).resolve() if given.manifest else target_dir / "manifest.json"
    return DbtProject(folder.resolve(), name, profile, target_dir, manifest, where)


def dbt_target_dir(root: Path) -> Path | None:
    """dbt's artifacts folder when `root` holds a dbt project, read leniently (for a run refused
    before the project loaded, whose own error must still not land on dbt's files)."""
    if not (root / DBT_PROJECT_FILE).is_file():
        return None
    try:
        doc = load_yaml(root / DBT_PROJECT_FILE)
    except ConfigError:
        doc = None
    target = os.environ.get("DBT_TARGET_PATH") or (doc.get("target-path") if isinstance(doc, dict) else None)
    return (root / (target if isinstance(target, str) and target and "\x00" not in target else "target")).resolve()


def artifacts_dir(root: Path, spec_target_path: str | None, cli_target_path: str | None,
                  dbt: DbtProject | None, where: str | None = None) -> Path:
    """Where sqlmon writes its artifacts: --target-path, else `target_path:`, else `target/` —
    or `<dbt target-path>/sqlmon/` when that would be dbt's own folder. Never dbt's folder itself
    (`run_results.json` and `compiled/` are names both tools use)."""
    chosen = cli_target_path or spec_target_path
    out = (root / Path(chosen or "target").expanduser()).resolve()
    if dbt is not None and out == dbt.target_dir:
        if chosen:
            raise ConfigError(f"sqlmon's artifacts would overwrite dbt's in {out} (run_results.json, compiled/)",
                              location="--target-path" if cli_target_path else where,
                              hint=f"remove it (sqlmon then writes to {out / SQLMON_SUBDIR}) or pick another folder")
        return out / SQLMON_SUBDIR
    return out


# dbt's adapters' defaults for `target.schema` / `target.database` when the profile leaves them out
# (dbt's conventions, data rather than engine branches): dbt-duckdb names the database after the file.
_DEFAULT_SCHEMA = {"duckdb": "main", "postgres": "public", "spark": "default"}
_DEFAULT_DATABASE = {"duckdb": lambda c: "memory" if str(c.get("path", ":memory:")) == ":memory:"
                     else Path(str(c["path"])).stem}


def jinja_target(name: str, profile: str, config: dict[str, Any]) -> dict[str, Any]:
    """`target` in Jinja, as dbt has it: name, type, schema, database, profile_name, threads —
    never a credential."""
    kind = str(config.get("type", ""))
    database = config.get("database") or config.get("dbname")
    if database is None and kind in _DEFAULT_DATABASE:
        database = _DEFAULT_DATABASE[kind](config)
    return {"name": name, "type": kind, "schema": config.get("schema") or _DEFAULT_SCHEMA.get(kind),
            "database": database, "profile_name": profile, "threads": config.get("threads", 1)}

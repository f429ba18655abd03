"""JSON Schema of a monitor file, with every test type and its parameters, for editors."""
from __future__ import annotations

from typing import Any

from sqlmon.config.specs import COMMON_KEYS, MonitorFile, TestSpec


def _test_entry_schema(test_types: dict[str, Any]) -> dict[str, Any]:
    common = {k: v for k, v in TestSpec.model_json_schema()["properties"].items() if k in COMMON_KEYS}
    # taken off the entry by the loader (sqlmon.config.stages), so not a TestSpec field
    common["stages"] = {"description": "only in these stages (a list), or per-stage keys (a mapping)",
                        "anyOf": [{"type": "array", "items": {"type": "string"}},
                                  {"type": "object", "additionalProperties": {"type": ["object", "null"]}}]}
    variants: list[dict[str, Any]] = [{"type": "string", "enum": sorted(test_types)}]
    for name, t in sorted(test_types.items()):
        params = t.Params.model_json_schema()
        props = {**common, **params.get("properties", {})}
        body = {"type": ["object", "null"], "properties": props, "additionalProperties": False,
                "description": t.metric}
        if params.get("$defs"):
            body["$defs"] = params["$defs"]
        variants.append({"type": "object", "properties": {name: body}, "required": [name],
                         "additionalProperties": False})
    # Project macros `test_<name>` add test types: accept any other one-key entry too.
    variants += [{"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                 {"type": "object", "minProperties": 1, "maxProperties": 1}]
    return {"anyOf": variants}


def monitor_file_schema(test_types: dict[str, Any]) -> dict[str, Any]:
    """The schema of a monitor file whose tests may be any of `test_types` (name -> TestType)."""
    schema = MonitorFile.model_json_schema()
    schema["title"] = "sqlmon monitor file"
    entry = _test_entry_schema(test_types)
    defs = schema.get("$defs", {})
    for model in ("MonitorSpec", "ColumnSpec"):
        if model in defs:
            defs[model]["properties"]["tests"] = {"type": "array", "items": entry}
    return schema

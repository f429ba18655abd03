"""YAML loading that remembers where every node came from, so errors can say file:line.

Mappings load as `YamlDict`, sequences as `YamlList`; both carry the 1-based line of the node and of
each key/item. `locate(root, path)` turns a key path (as pydantic reports it) into the best line.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from sqlmon.errors import ConfigError


class YamlDict(dict):
    line: int = 0
    key_lines: dict


class YamlList(list):
    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    pass


# libyaml's parser when PyYAML has it (7x faster on a suite's monitors); the pure-Python one words
# errors as sqlmon's messages and docs show them, so a file that fails is parsed again with it.
class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> YamlDict:
    out = YamlDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise ConfigError(f"duplicate key '{key}'", location=f"line {key_node.start_mark.line + 1}",
                              hint="each key may appear once per mapping")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> YamlList:
    out = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


for _cls in (_Loader, _FastLoader):
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
    # Dates stay strings: windows parse them with one rule (a date means its midnight UTC).
    _cls.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def load_yaml_text(text: str, source: str) -> Any:
    try:
        try:
            return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError:
            return yaml.load(text, Loader=_Loader)  # noqa: S506 - the same file, for its message
    except ConfigError as err:
        raise ConfigError(err.message, location=f"{source}:{err.location.split()[-1]}", hint=err.hint) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"malformed YAML: {err.problem}", location=f"{source}{line}",
                          hint="check indentation and quoting near that line "
                               "(quote strings that start with {, *, & or contain ': ')") from None


def load_yaml(path: Path, source: str | None = None) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror}") from None
    return load_yaml_text(text, source or str(path))


def locate(root: Any, path: Sequence[Any]) -> int | None:
    """Line of the deepest node along `path` that exists (keys for mappings, indexes for lists)."""
    line = getattr(root, "line", None)
    node = root
    for part in path:
        if isinstance(node, YamlDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, YamlList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def key_path(path: Sequence[Any]) -> str:
    """`('monitors', 0, 'tests', 2)` -> `monitors[0].tests[2]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def location_of(source: str, root: Any, path: Sequence[Any]) -> str:
    """`file:line (key.path)` of the node at `path` (the line of the deepest node that exists)."""
    line = locate(root, path)
    where = f"{source}:{line}" if line else source
    return f"{where} ({key_path(path)})" if path else where


def key_locations(source: str, root: Any, base: Sequence[Any], depth: int = 2) -> dict[str, str]:
    """`{'where': 'f.yml:7 (monitors[0].where)', 'reference.where': ...}` for the keys under the
    mapping at `base`, `depth` levels down: where a later check (SQL syntax, profile keys) that
    finds a problem in a value points."""
    node: Any = root
    for part in base:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return {}
    out: dict[str, str] = {}

    def walk(value: Any, path: tuple, prefix: str, left: int) -> None:
        if not isinstance(value, dict) or left == 0:
            return
        for key, child in value.items():
            name = f"{prefix}{key}"
            out[name] = location_of(source, root, (*path, key))
            walk(child, (*path, key), name + ".", left - 1)

    walk(node, tuple(base), "", depth)
    return out

"""YAML loading that remembers where every node came from, so errors can say file:line.

Mappings load as `YamlDict`, sequences as `YamlList`; both carry the 1-based line of the node and of
each key/item. `locate(root, path)` turns a key path (as pydantic reports it) into the best line.
"""
from __future__ import annotations

import os
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
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise ConfigError("a mapping key must be a plain name or number", location=f"line {key_node.start_mark.line + 1}",
                              hint="write `name: value` (a `? [a, b]` complex key has no meaning here)")
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


# Limits on one YAML document: a project file is hand-written configuration, so anything near these
# is a mistake or an attack (a 700-byte alias "billion laughs" expands to 10^9 values).
MAX_BYTES = 10 * 2**20
MAX_VALUES = 1_000_000          # after alias expansion
MAX_DEPTH = 64


def load_yaml_text(text: str, source: str) -> Any:
    if len(text) > MAX_BYTES:
        raise ConfigError(f"{source} is larger than {MAX_BYTES // 2**20} MiB", location=source,
                          hint="split the monitors over several files")
    try:
        try:
            value = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError:
            value = yaml.load(text, Loader=_Loader)  # noqa: S506 - the same file, for its message
    except RecursionError:
        raise ConfigError(f"{source} is nested too deeply", location=source,
                          hint=f"YAML configuration needs at most {MAX_DEPTH} levels") from None
    except ConfigError as err:
        raise ConfigError(err.message, location=f"{source}:{err.location.split()[-1]}", hint=err.hint) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"malformed YAML: {err.problem}", location=f"{source}{line}",
                          hint="check indentation and quoting near that line "
                               "(quote strings that start with {, *, & or contain ': ')") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"malformed YAML: {str(err).splitlines()[0]}", location=source,
                          hint="check the file's syntax") from None
    _check_shape(value, source)
    return value


def _check_shape(value: Any, source: str) -> None:
    """Refuse documents that expand to too many values (aliases) or nest too deeply, in one pass
    over the distinct nodes (an alias is the same object: counted by its expanded size, not walked
    again)."""
    sizes: dict[int, tuple[int, int]] = {}

    def shape(node: Any) -> tuple[int, int]:           # (values after expansion, depth)
        if not isinstance(node, (dict, list)):
            return 1, 0
        key = id(node)
        if key not in sizes:
            sizes[key] = (MAX_VALUES + 1, MAX_DEPTH + 1)    # a cycle (not possible in safe YAML) stops here
            children = list(node.values()) if isinstance(node, dict) else node
            n, depth = 1, 0
            for child in children:
                c_n, c_depth = shape(child)
                n, depth = min(n + c_n, MAX_VALUES + 1), max(depth, c_depth + 1)
                if depth > MAX_DEPTH:
                    raise ConfigError(f"{source} is nested more than {MAX_DEPTH} levels deep", location=source,
                                      hint="configuration this deep is a mistake; flatten it")
            sizes[key] = (n, depth)
        return sizes[key]

    if shape(value)[0] > MAX_VALUES:
        raise ConfigError(f"{source} expands to more than {MAX_VALUES:,} values (YAML aliases)", location=source,
                          hint="write the repeated parts out, or use fewer nested aliases")


def load_yaml(path: Path, source: str | None = None) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror}", location=str(path),
                          hint="check that the file exists and is readable") from None
    except UnicodeDecodeError as err:
        line = path.read_bytes()[:err.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (byte 0x{err.object[err.start]:02x})", location=f"{source or path}:{line}",
                          hint="save the file as UTF-8") from None
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


def shown_path(path: Path) -> str:
    """A file as errors name it: relative to the working folder when inside it."""
    return os.path.relpath(path, Path.cwd()) if path.is_relative_to(Path.cwd()) else str(path)


def relative_path(path: Path, root: Path) -> str:
    """A file relative to the project folder (as `path:` selectors match it)."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()

"""YAML text written by sqlmon (`sqlmon generate`): block style for the structure, flow style for
the small leaves (`{min: 0, max: 1440}`), and a comment above any value that says where it came
from. No YAML library writes comments, and sqlmon adds no dependency for it: this module writes
the text, and `plain(doc)` is what the text must load back to (the writer's caller checks that).

Quoting is decided per scalar: a string is written plain only when it has the shape of a name
(`dep_delay`, `main.flights`, `1 day`) or a date, and is not one of the words YAML reads as something else
(`yes`, `null`, `on`, ...); anything else is double-quoted with every character YAML could
misread escaped (line breaks, including U+0085/U+2028/U+2029, and the non-printable ones), or
single-quoted when it holds `"` or a backslash and nothing that needs an escape (a quoted SQL name).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

# Plain when it has this shape (words, dots, dashes, slashes, single spaces: `main.flights`,
# `1 day`, `2013-01-01`), PyYAML reads it as text, and no YAML reader would take it for a boolean,
# a null or a number (YAML 1.2 numbers included, for the people and tools reading it).
_PLAIN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_./\-]| (?! ))*(?<! )")
_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ""}
_NUMBER = re.compile(r"[-+]?(?:\.\d+|\d[\d_]*(?:\.\d*)?)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+")
_TEXT_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")     # sqlmon reads dates as text
_RESOLVER = yaml.resolver.Resolver()
# What PyYAML refuses unescaped (yaml.reader.Reader.NON_PRINTABLE), and the characters it takes
# as line breaks inside a quoted string (they would fold into spaces).
_ESCAPE = re.compile("[^\x09\x0A\x0D\x20-\x7E\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]|[\x85\u2028\u2029\uFEFF]")
_FLOW_DEPTH = 2          # deeper values are written as blocks


@dataclass(frozen=True)
class Commented:
    """A value with comment lines written above it (above its key in a mapping)."""

    value: Any
    comment: str | list[str]

    @property
    def lines(self) -> list[str]:
        return [self.comment] if isinstance(self.comment, str) else list(self.comment)


@dataclass(frozen=True)
class Comment:
    """A comment line alone in a list (something not written, and why)."""

    text: str


def plain(node: Any) -> Any:
    """`node` without its comments: what the written text loads back to."""
    if isinstance(node, Commented):
        return plain(node.value)
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node if not isinstance(v, Comment)]
    return node


def dump(doc: dict[str, Any], head: list[str] = ()) -> str:
    """The YAML text of `doc` (a mapping of mappings, lists and scalars; `Commented` anywhere),
    after the comment lines `head`."""
    return "\n".join([*(f"# {_line(h)}".rstrip() for h in head), *_block(doc, 0)]) + "\n"


def scalar(value: Any) -> str:
    """One value as YAML writes it, in flow or block context alike.

    >>> for v in ("dep_delay", "1 day", "yes", "x: y", '"s".t', 1e-05, None):
    ...     print(scalar(v))
    dep_delay
    1 day
    "yes"
    "x: y"
    '"s".t'
    1.0e-05
    null
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    text = str(value)
    if (_PLAIN.fullmatch(text) and text.lower() not in _WORDS and not _NUMBER.fullmatch(text)
            and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) in _TEXT_TAGS):
        return text
    if ('"' in text or "\\" in text) and not _ESCAPE.search(text) and not re.search(r"[\x00-\x1f\x7f]", text):
        return "'" + text.replace("'", "''") + "'"       # `'"my schema".flights'`: nothing to escape but '
    return _ESCAPE.sub(_escaped, json.dumps(text, ensure_ascii=False))


def _line(text: str) -> str:
    """One comment line: a line break in it (a column's name, a value) would end the comment."""
    return _ESCAPE.sub(_escaped, str(text).replace("\r", "\\r").replace("\n", "\\n"))


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    # YAML 1.1 reads a float only with a dot and a signed exponent: `1e-05` would be a string
    if e and "." not in mantissa:
        text = f"{mantissa}.0e{exponent if exponent[0] in '+-' else '+' + exponent}"
    return text


def _depth(node: Any) -> int:
    if isinstance(node, dict):
        return 1 + max((_depth(v) for v in node.values()), default=0)
    if isinstance(node, list):
        return 1 + max((_depth(v) for v in node), default=0)
    return 0


def _flowable(node: Any) -> bool:
    if isinstance(node, (Commented, Comment)):
        return False
    if isinstance(node, dict):
        return _depth(node) <= _FLOW_DEPTH and all(_flowable(v) for v in node.values())
    if isinstance(node, list):
        return _depth(node) <= _FLOW_DEPTH and all(_flowable(v) for v in node)
    return True


def _flow(node: Any) -> str:
    if isinstance(node, dict):
        return "{" + ", ".join(f"{scalar(k)}: {_flow(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_flow(v) for v in node) + "]"
    return scalar(node)


def _comments(node: Any, pad: str) -> tuple[list[str], Any]:
    if isinstance(node, Commented):
        return [f"{pad}# {_line(line)}".rstrip() for line in node.lines], node.value
    return [], node


def _block(node: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            notes, value = _comments(value, pad)
            lines += notes
            if _flowable(value):
                lines.append(f"{pad}{scalar(key)}: {_flow(value)}")
            else:
                lines.append(f"{pad}{scalar(key)}:")
                lines += _block(value, indent + 2)
        return lines
    for item in node:
        if isinstance(item, Comment):
            lines.append(f"{pad}# {_line(item.text)}".rstrip())
            continue
        notes, item = _comments(item, pad)
        lines += notes
        if isinstance(item, dict) and len(item) == 1 and _flowable(next(iter(item.values()))):
            (key, value), = item.items()          # a test entry: `- range: {min: 0, max: 1}`
            lines.append(f"{pad}- {scalar(key)}: {_flow(value)}")
        elif _flowable(item):
            lines.append(f"{pad}- {_flow(item)}")
        elif isinstance(item, dict):
            # the first key on the dash's line: its comments (if any) must go above the dash
            first, *rest = _block(item, indent + 2)
            while first.lstrip().startswith("#"):
                lines.append(pad + first.lstrip())
                first, *rest = rest
            lines += [f"{pad}- {first.lstrip()}", *rest]
        else:
            lines.append(f"{pad}-")
            lines += _block(item, indent + 2)
    return lines

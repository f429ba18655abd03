"""Jinja macros: built-ins from `macros/`, overridden by the project's `macros/`, with dispatch.

`dispatch(name)` picks `<adapter>__name`, then `default__name`, then `name`. A `default__` macro is
written in the project's `sql_dialect`, an `<adapter>__` macro in that adapter's own dialect; the
chosen dialect travels with the rendered text so `sql.py` parses it correctly. Inside macros,
`identifier(c)` quotes a name and `literal(v)` renders a value for the macro's dialect.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from sqlmon.config.vars import Refusal
from sqlmon.errors import CompileError, did_you_mean
from sqlmon.macro_source import macro_names, read_macro_file
from sqlmon.sql import quote_identifier, render_literal
from sqlmon.templating import environment
from sqlmon.version import __version__

SANDBOX_HINT = ("macros render in a sandbox: no attributes starting with _, no Python objects; use the "
                "documented helpers (identifier, literal, dispatch, var, env_var)")



@dataclass(frozen=True)
class Rendered:
    text: str
    dialect: str
    macro: str
    source: str


class _MacroRef:
    """Late-bound reference so any macro can call any other, whichever file defines it."""

    def __init__(self, macros: "Macros", name: str):
        self._macros, self._name = macros, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._name in self._macros.broken:            # its file did not load (see Macros)
            raise self._macros.broken[self._name]
        return self._macros.modules[self._name](*args, **kwargs)


class _Dispatched:
    def __init__(self, macros: "Macros", name: str):
        self._macros, self._name = macros, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._macros.modules[self._macros.resolve(self._name)[0]](*args, **kwargs)


# Jinja source -> compiled Python code. Every Macros env has the same settings, so the code of a
# macro file can be shared; compiling all built-in macros costs ~0.1-0.15 s, paid once per process
# instead of once per run (a 30-day backfill runs 30 times), and once per machine thanks to the
# on-disk cache below (like Python's __pycache__: compiled code only, keyed by the source).
# Loading code is running code, so the cache is keyed by everything that shapes the code (the
# environment class: sandboxed code calls `environment.call`, which checks every call) and read
# only from files and a folder that this user owns and nobody else can write.
_CODE: dict[tuple[str, str], Any] = {}


def _template(env: jinja2.Environment, text: str) -> jinja2.Template:
    key = (_env_tag(env), text)
    if key not in _CODE:
        _CODE[key] = _cached_code(env, text) or _compile(env, text)
    return env.template_class.from_code(env, _CODE[key], env.make_globals(None), None)


def _env_tag(env: jinja2.Environment) -> str:
    return f"{type(env).__module__}.{type(env).__qualname__}"


def code_cache_dir() -> Path:
    """Where compiled macro code is kept: $SQLMON_CACHE_DIR, else the user's cache directory."""
    root = os.environ.get("SQLMON_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "sqlmon")
    return Path(root) / "jinja"


def _code_path(env: jinja2.Environment, text: str) -> Path:
    # marshal's format is Python's own, the generated code Jinja's and the environment's
    tag = f"{sys.implementation.cache_tag}|jinja2-{jinja2.__version__}|{_env_tag(env)}|sqlmon-{__version__}|{text}"
    return code_cache_dir() / (hashlib.sha256(tag.encode()).hexdigest()[:32] + ".code")


def _private(path: Path, is_dir: bool) -> bool:
    """Owned by this user, writable by nobody else, and no link: safe to load code from."""
    if not hasattr(os, "geteuid"):
        return False                 # no owner to check (Windows): no cache
    try:
        st = os.lstat(path)
    except OSError:
        return False
    kind = stat.S_ISDIR if is_dir else stat.S_ISREG
    return kind(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _cached_code(env: jinja2.Environment, text: str) -> Any:
    path = _code_path(env, text)
    if not (_private(path.parent, True) and _private(path, False)):
        return None             # not cached yet, or not ours alone: compile
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None             # unreadable: compile


def _compile(env: jinja2.Environment, text: str) -> Any:
    code = env.compile(text)
    path = _code_path(env, text)
    try:                        # a cache only: any failure to write it is ignored
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(path.parent, True):
            return code         # a folder others can write: never cache there
        tmp = path.with_suffix(f".{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps(code))
        os.replace(tmp, path)   # atomic: a concurrent reader sees the whole file or none
    except OSError:
        pass
    return code


class Macros:
    def __init__(self, dirs: list[Path], adapter: str, adapter_dialect: str, sql_dialect: str,
                 extra_globals: dict[str, Any] | None = None):
        self.adapter, self.adapter_dialect, self.sql_dialect = adapter, adapter_dialect, sql_dialect
        self._dialect = sql_dialect
        self.env = environment(macros=True)
        self.sources: dict[str, str] = {}
        files = [f for d in dirs for f in sorted(d.rglob("*.sql"))]
        texts = {f: read_macro_file(f) for f in files}      # dbt's {% test %} blocks as test_ macros
        for f, text in texts.items():       # later dirs (the project) override built-ins
            for name in macro_names(text):
                self.sources[name] = str(f)
        self.env.globals.update(extra_globals or {})
        self.env.globals.update({name: _MacroRef(self, name) for name in self.sources})
        # `finite(...)` inside a macro dispatches like `dispatch('finite')(...)`.
        for name in list(self.sources):
            base = name.split("__", 1)[1] if "__" in name else None
            if base and base not in self.sources:
                self.env.globals[base] = _Dispatched(self, base)
        self.env.globals.update(identifier=self._identifier, literal=self._literal,
                                dispatch=self._dispatch_callable, adapter_name=adapter)
        self.modules: dict[str, Any] = {}
        # A file that does not load (a dbt `{% materialization %}`, a typo) costs only its own
        # macros: the error is raised where one of them is used, so a dbt project's macros folder
        # never stops a run that does not need them.
        self.broken: dict[str, CompileError] = {}
        self.problems: list[str] = []          # one line per file that did not load, for the run's warnings
        for f, text in texts.items():
            try:
                module = _template(self.env, text).make_module()
            except jinja2.TemplateSyntaxError as err:
                problem = CompileError(f"macro file does not parse: {err.message}", location=f"{f}:{err.lineno}")
            except SecurityError as err:           # top-level code of the file runs here
                problem = CompileError(f"macro file tried something the sandbox refuses: {err}", location=str(f),
                                       hint=SANDBOX_HINT)
            except (jinja2.TemplateError, Refusal) as err:
                problem = CompileError(f"macro file fails outside its macros: {err}", location=str(f),
                                       hint="keep code inside {% macro %} ... {% endmacro %}")
            else:
                for name in macro_names(text):
                    self.modules[name] = getattr(module, name)
                    self.broken.pop(name, None)
                continue
            for name in macro_names(text):
                self.broken[name] = problem
                self.modules.pop(name, None)
            self.problems.append(f"{problem.location}: {problem.message} — "
                                 + (f"its macros ({', '.join(macro_names(text))}) are unavailable"
                                    if macro_names(text) else "it defines no macro") + "; sqlmon skips it")

    # --- helpers visible inside macros ----------------------------------------------------
    def _identifier(self, name: str) -> str:
        return quote_identifier(str(name), self._dialect)

    def _literal(self, value: Any) -> str:
        return render_literal(value, self._dialect)

    def _dispatch_callable(self, name: str) -> Any:
        return self.modules[self.resolve(name)[0]]

    # --- API ------------------------------------------------------------------------------
    def resolve(self, name: str) -> tuple[str, str]:
        """(macro name, dialect it is written in) for `name` on this adapter."""
        for candidate, dialect in ((f"{self.adapter}__{name}", self.adapter_dialect),
                                   (f"default__{name}", self.sql_dialect), (name, self.sql_dialect)):
            if candidate in self.broken:
                raise self.broken[candidate]
            if candidate in self.modules:
                return candidate, dialect
        raise CompileError(f"no macro '{name}' (looked for {self.adapter}__{name}, default__{name}, {name})",
                           hint=did_you_mean(name, self.modules) or "define it in the project's macros/ folder")

    def render(self, name: str, location: str, **kwargs: Any) -> Rendered:
        """Render macro `name` (dispatched) with the keyword arguments it declares."""
        macro, dialect = self.resolve(name)
        previous, self._dialect = self._dialect, dialect
        fn = self.modules[macro]
        if not fn.catch_kwargs:     # pass each macro only the arguments it declares
            kwargs = {k: v for k, v in kwargs.items() if k in fn.arguments}
        try:
            text = str(fn(**kwargs))
        except jinja2.UndefinedError as err:
            raise CompileError(f"macro '{macro}' ({self.sources.get(macro)}): {err.message}", location=location,
                               hint="check the test's parameters and the macro's arguments") from None
        except SecurityError as err:
            raise CompileError(f"macro '{macro}' ({self.sources.get(macro)}) tried something the sandbox refuses: "
                               f"{err}", location=location, hint=SANDBOX_HINT) from None
        except Refusal as err:
            raise CompileError(f"macro '{macro}' ({self.sources.get(macro)}): {err.args[0]}", location=location,
                               hint=err.args[1]) from None
        except jinja2.TemplateError as err:
            raise CompileError(f"macro '{macro}' ({self.sources.get(macro)}) failed: {err.message or err}",
                               location=location, hint="check the macro's Jinja") from None
        except TypeError as err:
            raise CompileError(f"macro '{macro}' ({self.sources.get(macro)}) was called wrongly: {err}", location=location) from None
        finally:
            self._dialect = previous
        return Rendered(text.strip(), dialect, macro, self.sources.get(macro, "?"))

    def quote(self, name: str, macro_name: str) -> str:
        """Quote a column name for the dialect that macro `macro_name` will be rendered in."""
        return quote_identifier(name, self.resolve(macro_name)[1])

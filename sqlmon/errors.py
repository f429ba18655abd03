"""The few exception classes sqlmon raises, each carrying its location, what and how to fix.

Every user-facing failure is one of these; the CLI prints ``str(err)`` and exits 2, so the
message must stand on its own: ``<file>:<line> (<yaml key path>): <what>. Fix: <how>``.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class SqlmonError(Exception):
    """Base class: a problem the user can fix (never a bug in sqlmon)."""

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None):
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n  Fix: {self.hint}"
        return text


class ConfigError(SqlmonError):
    """The project, a profile or a monitor file is wrong."""


class CompileError(SqlmonError):
    """SQL (a macro, a `where:`, a custom test) does not parse or names unknown objects."""


class WarehouseError(SqlmonError):
    """The warehouse could not be reached or refused a query."""


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest valid choice, or None when nothing is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None

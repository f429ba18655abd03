"""What consecutive runs in one process may share, held by the caller instead of the process.

A `Session` keeps the drift baselines (reference profiles and histograms) computed so far, by
profile key, so a second run with an unchanged reference scans only the current window. Without
one, each `sqlmon.run` starts a fresh session and a later run finds its baselines in the history
store instead (one query). `sqlmon backfill` runs every day of its range in one session; a
long-lived scheduler process can keep one too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Session:
    baselines: dict[str, Any] = field(default_factory=dict)   # profile key -> drift Baseline

    def clear(self) -> None:
        """Forget every cached baseline (the next run re-reads the history or re-profiles)."""
        self.baselines.clear()


__all__ = ["Session"]

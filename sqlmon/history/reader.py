"""Reading and recording the history: `HistoryReader` (what test types, the report and
notifications read: metric series, statuses, baselines) and `History` (records a run in one
transaction, pins baselines). Which store and where: `sqlmon.history.open_history`."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlmon.errors import ConfigError, did_you_mean
from sqlmon.history.store import Store
from sqlmon.history.tables import STAGES_SINCE, VERSION_TABLE, naive_utc, notification_rows, run_rows
from sqlmon.results import RunResult

_STAGE_COLUMN = re.compile(r"COALESCE\((?:\w+\.)?stage, ''\)")
_FAR_PAST, _FAR_FUTURE = datetime(1900, 1, 1), datetime(9999, 1, 1)
_NO_LIMIT = 10**9


@dataclass(frozen=True)
class SeriesPoint:
    """One recorded result of a test: the run's `as_of` (aware UTC), metric, status, run id (and
    its details when asked for)."""

    as_of: datetime
    metric: float | None
    status: str
    invocation_id: str
    details: dict[str, Any] | None = None


@dataclass(frozen=True)
class RunRow:
    invocation_id: str
    started_at: datetime
    finished_at: datetime
    as_of: datetime
    counts: dict[str, int]
    exit_code: int


def _parsed(text: str | None) -> dict[str, Any] | None:
    """A stored details JSON, or None (not read, or not an object: the reader never fails on it)."""
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Notified:
    """The last notification a channel was delivered about a test (the `notifications` table)."""

    event: str                  # alert | repeat | recovery
    status: str                 # the test's status it told
    metric: float | None
    as_of: datetime             # of the run that sent it (aware UTC)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else (value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value)


class HistoryReader:
    """Read-only view of the history, handed to test types as `TestContext.history`.

    Every series is deduplicated per `as_of` (the latest run at that `as_of` wins), so a re-run
    or a backfill over days already recorded never counts a day twice. Every series is one stage's
    (`stage=None`: the runs without a stage), so a validation run never enters a production
    baseline; `stage` is the run's own (set by the runner), what its anomaly tests and
    notifications read.
    """

    def __init__(self, store: Store, stage: str | None = None):
        self.store = store
        self.stage = stage
        self._staged: bool | None = None      # does the store have the stage column (`_read`)
        self._pins: dict[tuple[str, str], str | None] | None = None    # see `load_baseline`
        self._recent: dict[tuple[str, str], str] | None = None

    def describe(self) -> str:
        return self.store.describe()

    def _read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        """`store.read`, on a store of schema 3 or older (read unmigrated: `--no-history`) with every
        row's stage taken as none, as it is: those versions knew no stages."""
        if self._staged is None:
            got = self.store.read(f"SELECT MAX(version) FROM {{s}}{VERSION_TABLE}")
            self._staged = not got or got[0][0] is None or int(got[0][0]) >= STAGES_SINCE
        return self.store.read(sql if self._staged else _STAGE_COLUMN.sub("''", sql), params)

    def series(self, unique_id: str, *, before: datetime | None = None, since: datetime | None = None,
               limit: int | None = None, segment: Any = None, details: bool = False,
               stage: str | None = None) -> list[SeriesPoint]:
        """Results of `unique_id` in `stage` with `since <= as_of < before`, the last `limit` of them,
        oldest first; `details=True` also reads each result's details (anomaly tests: the sampling noise)."""
        rows = self._read(
            """SELECT as_of, metric, status, invocation_id, """ + ("details" if details else "NULL") + """ FROM (
                 SELECT r.as_of, r.metric, r.status, r.invocation_id, r.details,
                        ROW_NUMBER() OVER (PARTITION BY r.as_of ORDER BY u.finished_at DESC) AS rn
                 FROM {s}results AS r JOIN {s}runs AS u ON u.invocation_id = r.invocation_id
                 WHERE r.unique_id = ? AND COALESCE(r.segment, '') = ? AND COALESCE(r.stage, '') = ?
                       AND r.as_of < ? AND r.as_of >= ?) AS t
               WHERE rn = 1 ORDER BY as_of DESC LIMIT ?""",
            (unique_id, _segment(segment), stage or "", naive_utc(before) or _FAR_FUTURE, naive_utc(since) or _FAR_PAST,
             limit if limit is not None else _NO_LIMIT))
        return [SeriesPoint(_utc(a), m, s, i, _parsed(d)) for a, m, s, i, d in reversed(rows)]

    def recent(self, runs: int = 60, stage: str | None = None) -> dict[str, list[SeriesPoint]]:
        """Every test's series over the last `runs` distinct `as_of` values (for the report)."""
        return self.recent_until(None, runs, stage)

    def latest_status(self) -> dict[str, str]:
        """unique_id -> status of its latest result (the `sqlmon_latest_status` view)."""
        return dict(self._read("SELECT unique_id, status FROM {s}sqlmon_latest_status WHERE COALESCE(stage, '') = ?",
                                    (self.stage or "",)))

    def previous_status(self, unique_ids: list[str], *, before: datetime,
                        exclude_invocation: str | None = None) -> dict[str, str]:
        """Status of each test in the last run that started before `before` and included it."""
        if not unique_ids:
            return {}
        marks = ", ".join("?" * len(unique_ids))
        rows = self._read(
            f"""SELECT unique_id, status FROM (
                  SELECT r.unique_id, r.status,
                         ROW_NUMBER() OVER (PARTITION BY r.unique_id ORDER BY u.started_at DESC) AS rn
                  FROM {{s}}results AS r JOIN {{s}}runs AS u ON u.invocation_id = r.invocation_id
                  WHERE r.unique_id IN ({marks}) AND u.started_at < ? AND r.invocation_id <> ?
                        AND r.segment IS NULL) AS t
                WHERE rn = 1""", (*unique_ids, naive_utc(before), exclude_invocation or ""))
        return dict(rows)

    def last_notified(self, channels: list[str]) -> dict[str, dict[str, Notified]]:
        """channel -> unique_id -> the last notification DELIVERED to it about that test (by when it
        was sent): what suppression and recoveries read. Undelivered ones are not state: an alert
        that did not arrive is sent again while it is still true. What the run's stage was told only:
        a validation run's failure is no alert, and no recovery, for production."""
        if not channels:
            return {}
        marks = ", ".join("?" * len(channels))
        rows = self._read(
            f"""SELECT channel, unique_id, event, status, metric, as_of FROM (
                  SELECT n.*, ROW_NUMBER() OVER (PARTITION BY n.channel, n.unique_id
                                                 ORDER BY n.sent_at DESC, n.as_of DESC) AS rn
                  FROM {{s}}notifications AS n
                  WHERE n.delivered AND n.channel IN ({marks}) AND COALESCE(n.stage, '') = ?) AS t
                WHERE rn = 1""", (*channels, self.stage or ""))
        out: dict[str, dict[str, Notified]] = {}
        for channel, uid, event, status, metric, as_of in rows:
            out.setdefault(channel, {})[uid] = Notified(event, status, metric, _utc(as_of))
        return out

    def runs(self, limit: int = 50) -> list[RunRow]:
        """The latest runs, newest first (by when they ran)."""
        rows = self._read(
            """SELECT invocation_id, started_at, finished_at, as_of, n_pass, n_warn, n_fail, n_error, n_skipped, exit_code
               FROM {s}runs ORDER BY started_at DESC LIMIT ?""", (limit,))
        return [RunRow(r[0], _utc(r[1]), _utc(r[2]), _utc(r[3]),
                       dict(zip(("pass", "warn", "fail", "error", "skipped"), r[4:9])), r[9]) for r in rows]

    def run_count(self) -> int:
        rows = self._read("SELECT COUNT(*) FROM {s}runs")
        return int(rows[0][0]) if rows else 0

    def load_baseline(self, unique_id: str, profile_key: str, *, pinned_only: bool = False) -> dict | None:
        """The frozen reference profile for a drift test, or None (then compute it from the reference).

        `profile_key` is the hash of the reference *definition* the profile was computed from
        (relation, window, filter, binning options); the drift test stores it with the profile in
        `details["profile_key"]` / `details["profile"]`, and every recorded run saves that pair.
        Lookup order:
          1. the latest *pinned* profile of `unique_id` (`sqlmon baseline --monitor ...`) whose
             key equals `profile_key` -- a changed definition gives a new key, so an outdated pin
             is never used;
          2. unless `pinned_only`, the latest saved profile with this key (a cache across
             processes: a fixed reference window is profiled once). Use `pinned_only=True` when
             the key does not pin down the data (e.g. a rolling `previous:` window).
        """
        # Every drift test asks for its pin on every run: the pinned profiles (few; `sqlmon
        # baseline` writes them) are read once per reader in one query, not once per test.
        if self._pins is None:
            self._pins = {}
            for uid, key, profile in self._read(
                    "SELECT unique_id, profile_key, profile FROM {s}baselines WHERE pinned ORDER BY created_at DESC"):
                self._pins.setdefault((uid, key), profile)      # the latest pin of each key
        if (unique_id, str(profile_key)) in self._pins or pinned_only:
            text = self._pins.get((unique_id, str(profile_key)))
        else:
            text = self._latest_run_baselines().get((unique_id, str(profile_key)))
            if text is None:            # saved by an earlier run (or never): this test's own lookup
                rows = self._read(
                    """SELECT profile FROM {s}baselines WHERE unique_id = ? AND profile_key = ? AND NOT pinned
                       ORDER BY created_at DESC LIMIT 1""", (unique_id, str(profile_key)))
                text = rows[0][0] if rows else None
        return json.loads(text) if text else None

    def _latest_run_baselines(self) -> dict[tuple[str, str], str]:
        """The baselines the latest run saved, read once: every run saves the baselines of the
        drift tests it ran, so a new process finds most of its own there, in one query instead of
        one per test (a key found here is the latest with that key: nothing is newer)."""
        if self._recent is None:
            self._recent = {}
            for uid, key, profile in self._read(
                    """SELECT unique_id, profile_key, profile FROM {s}baselines WHERE NOT pinned AND invocation_id =
                         (SELECT invocation_id FROM {s}baselines WHERE NOT pinned ORDER BY created_at DESC LIMIT 1)"""):
                self._recent.setdefault((uid, key), profile)
        return self._recent

    def close(self) -> None:
        self.store.close()

    def recent_until(self, until: datetime | None, runs: int = 60,
                     stage: str | None = None) -> dict[str, list[SeriesPoint]]:
        """As `recent`, but over the last `runs` distinct `as_of` values at or before `until` (the
        report of a backfill's day or of an `--as-of` run shows nothing recorded after it)."""
        cut = self._read("""SELECT MIN(as_of) FROM (SELECT DISTINCT as_of FROM {s}runs
                                 WHERE as_of <= ? AND COALESCE(stage, '') = ?
                                 ORDER BY as_of DESC LIMIT ?) AS t""",
                         (naive_utc(until) or _FAR_FUTURE, stage or "", runs))
        if not cut or cut[0][0] is None:
            return {}
        rows = self._read(
            """SELECT unique_id, as_of, metric, status, invocation_id FROM (
                 SELECT r.unique_id, r.as_of, r.metric, r.status, r.invocation_id,
                        ROW_NUMBER() OVER (PARTITION BY r.unique_id, r.as_of ORDER BY u.finished_at DESC) AS rn
                 FROM {s}results AS r JOIN {s}runs AS u ON u.invocation_id = r.invocation_id
                 WHERE r.as_of >= ? AND r.as_of <= ? AND r.segment IS NULL AND COALESCE(r.stage, '') = ?) AS t
               WHERE rn = 1 ORDER BY unique_id, as_of""", (cut[0][0], naive_utc(until) or _FAR_FUTURE, stage or ""))
        out: dict[str, list[SeriesPoint]] = {}
        for uid, a, m, s, i in rows:
            out.setdefault(uid, []).append(SeriesPoint(_utc(a), m, s, i))
        return out

    def segment_series(self, unique_id: str, segments: list[Any], *, since: datetime | None = None,
                       before: datetime | None = None, stage: str | None = None) -> dict[str, list[SeriesPoint]]:
        """Each segment's results of `unique_id` (`since <= as_of < before`, one per `as_of`, oldest
        first), keyed by the stored segment JSON (sorted keys): the report's worst-segment lines."""
        keys = sorted({_segment(s) for s in segments if s is not None})
        if not keys:
            return {}
        marks = ", ".join("?" * len(keys))
        rows = self._read(
            f"""SELECT segment, as_of, metric, status, invocation_id FROM (
                  SELECT r.segment, r.as_of, r.metric, r.status, r.invocation_id,
                         ROW_NUMBER() OVER (PARTITION BY r.segment, r.as_of ORDER BY u.finished_at DESC) AS rn
                  FROM {{s}}results AS r JOIN {{s}}runs AS u ON u.invocation_id = r.invocation_id
                  WHERE r.unique_id = ? AND r.segment IN ({marks}) AND COALESCE(r.stage, '') = ?
                        AND r.as_of < ? AND r.as_of >= ?) AS t
                WHERE rn = 1 ORDER BY segment, as_of""",
            (unique_id, *keys, stage or "", naive_utc(before) or _FAR_FUTURE, naive_utc(since) or _FAR_PAST))
        out: dict[str, list[SeriesPoint]] = {}
        for seg, a, m, s, i in rows:
            out.setdefault(seg, []).append(SeriesPoint(_utc(a), m, s, i))
        return out


class History(HistoryReader):
    """The reader plus the two writes: `record` a run, `pin_baseline` a run's profiles."""

    def __init__(self, store: Store, project_name: str, write: bool, notices: list[str] | None = None,
                 stage: str | None = None):
        super().__init__(store, stage)
        self.project_name = project_name
        self.write = write
        self.notices = notices or []      # said once to the user (e.g. the store moved), not errors

    def record(self, rr: RunResult) -> None:
        """Append the run (runs, results, measurements, baselines) in one transaction."""
        if self.write:
            self._pins = self._recent = None
            self.store.write_run(run_rows(rr, self.project_name))

    def record_notifications(self, deliveries: list[dict[str, Any]]) -> None:
        """Append what a run's notifications told each channel (one transaction of its own, after
        the run's: a failure here never touches the run's record)."""
        if self.write and deliveries:
            staged = [{**d, "stage": self.stage} for d in deliveries]
            self.store.write_run({"notifications": notification_rows(staged)})

    def pin_baseline(self, monitor: str, invocation_id: str | None = None) -> tuple[str, list[str]]:
        """Pin the reference profiles that run `invocation_id` (default: the latest with any) saved
        for `monitor`; returns (run id, pinned unique ids). One transaction, append-only."""
        if invocation_id is None:
            got = self._read("""SELECT invocation_id FROM {s}baselines WHERE monitor = ? AND NOT pinned
                                     ORDER BY created_at DESC LIMIT 1""", (monitor,))
            if not got:
                known = [r[0] for r in self._read("SELECT DISTINCT monitor FROM {s}baselines")]
                raise ConfigError(f"no reference profiles recorded for monitor '{monitor}' in {self.describe()}",
                                  hint=did_you_mean(monitor, known) or
                                  "profiles come from drift tests: run `sqlmon run` with a drift test first")
            invocation_id = got[0][0]
        rows = self._read("""SELECT monitor, unique_id, profile_key, profile FROM {s}baselines
                                  WHERE monitor = ? AND invocation_id = ? AND NOT pinned""", (monitor, invocation_id))
        if not rows:
            runs = [r[0] for r in self._read("SELECT DISTINCT invocation_id FROM {s}baselines WHERE monitor = ?",
                                                  (monitor,))]
            raise ConfigError(f"run '{invocation_id}' saved no reference profiles for monitor '{monitor}'",
                              hint=did_you_mean(invocation_id, runs) or "omit --run to pin the latest run's profiles")
        now = naive_utc(datetime.now(timezone.utc))
        self._pins = None
        self.store.write_run({"baselines": [(m, u, k, p, True, invocation_id, now) for m, u, k, p in rows]})
        return invocation_id, sorted(r[1] for r in rows)


def _segment(segment: Any) -> str:
    return "" if segment is None else json.dumps(segment, sort_keys=True)


__all__ = ["History", "HistoryReader", "Notified", "RunRow", "SeriesPoint"]

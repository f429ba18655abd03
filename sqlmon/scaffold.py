"""`sqlmon init`: the project template copied into a new folder, and the sample warehouse, a
small churn-scoring setup in DuckDB.

`main.churn_scores` holds 30 days of batch scores up to the moment of `init`; `main.churn_training`
is the training snapshot used as the reference; `main.customers` is a parent table for the
relationships test. Generated in SQL with a fixed seed, so every scaffold has the same data
relative to its creation time; the project is pinned to that instant (`as_of:`), so the demo's
answers do not change with the day it runs.
"""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

from sqlmon.errors import ConfigError
from sqlmon.resources import template_dir

ROWS_PER_DAY = 2000

_SQL = """
SELECT setseed(0.42);
CREATE TABLE main.customers AS
  SELECT i AS customer_id, (['basic', 'pro', 'enterprise'])[1 + (i % 3)] AS plan
  FROM range(1, 20001) t(i);
CREATE TABLE main.churn_training AS
  SELECT i AS customer_id,
         (['basic', 'pro', 'enterprise'])[1 + CAST(floor(random() * 2.2) AS INTEGER)] AS plan,
         (['DE', 'FR', 'US', 'GB'])[1 + CAST(floor(random() * 4) AS INTEGER)] AS country,
         CAST(floor(random() * 72) AS INTEGER) AS tenure_months,
         round(20 + 60 * random() + 10 * random(), 2) AS monthly_charges,
         CASE WHEN random() < 0.02 THEN NULL ELSE round(5 * random(), 1) END AS support_tickets
  FROM range(1, 20001) t(i);
CREATE TABLE main.churn_scores AS
  WITH base AS (
    SELECT i,
           TIMESTAMP '{now}' - INTERVAL (i * {step}) MICROSECOND AS scored_at,
           1 + CAST(floor(random() * 20000) AS INTEGER) AS customer_id,
           (['basic', 'pro', 'enterprise'])[1 + CAST(floor(random() * 2.2) AS INTEGER)] AS plan,
           (['DE', 'FR', 'US', 'GB'])[1 + CAST(floor(random() * 4) AS INTEGER)] AS country,
           CAST(floor(random() * 72) AS INTEGER) AS tenure_months,
           round(20 + 60 * random() + 10 * random(), 2) AS monthly_charges,
           CASE WHEN random() < 0.02 THEN NULL ELSE round(5 * random(), 1) END AS support_tickets,
           random() AS noise, random() AS u
    FROM range(1, {rows} + 1) t(i)
  ), scored AS (
    SELECT *, 1 / (1 + exp(-(-1.0 - 0.04 * tenure_months + 0.03 * (monthly_charges - 50)
                             + 0.3 * coalesce(support_tickets, 0) + 1.5 * (noise - 0.5)))) AS churn_score
    FROM base
  )
  SELECT customer_id, scored_at, plan, country, tenure_months, monthly_charges, support_tickets,
         round(churn_score, 4) AS churn_score,
         CASE WHEN scored_at > TIMESTAMP '{now}' - INTERVAL 3 DAY THEN NULL      -- labels arrive late
              WHEN u < churn_score THEN 1 ELSE 0 END AS churned
  FROM scored;
"""


def create_sample_warehouse(path: Path, now: datetime | None = None) -> None:
    import duckdb

    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
    days = 30
    rows = ROWS_PER_DAY * days
    step = int(days * 86400 * 1_000_000 / rows)
    sql = _SQL.format(now=now.isoformat(sep=" "), rows=rows, step=step)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        for statement in (s.strip() for s in sql.split(";")):
            if statement:
                con.execute(statement)
    finally:
        con.close()


# `init --no-sample`: a blank project that loads; its profile holds a placeholder (PLACEHOLDER)
# that every command refuses, naming the key to fill in (sqlmon.prepare.check_project).
PLACEHOLDER = "FILL_IN"
_BLANK = {
    "sqlmon_project.yml": """\
# sqlmon project: monitors/ holds the tests, macros/ your own SQL macros and test types.
name: {name}
profile: {name}
sql_dialect: duckdb          # the dialect `where:`, `expression:` and custom SQL are written in
""",
    "profiles.yml": """\
# Where the warehouse is (dbt-style: profile -> target -> outputs). Replace FILL_IN: a DuckDB file
# relative to this folder, or change `type:` to postgres / spark with their keys (README "Profile
# keys"). Secrets come from the environment: password: "{{{{ env_var('SQLMON_SECRET_PG_PASSWORD') }}}}"
{name}:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: FILL_IN.duckdb
""",
    "monitors/monitors.yml": """\
version: 1
monitors: []
# An example to start from (README "Monitor YAML reference"), or let `sqlmon generate TABLE -o
# monitors/TABLE.yml` write one from the data:
#
#  - name: orders
#    relation: main.orders
#    timestamp: created_at
#    current: {{last: 1 day}}
#    reference: {{previous: 7 days}}
#    tests: [row_count, freshness]
#    columns:
#      - name: amount
#        tests: [not_null, {{range: {{min: 0}}}}, drift]
""",
    "macros/README.md": "Your macros: `test_<name>` macros are test types; `<adapter>__<name>` overrides a built-in.\n",
}


def scaffold_project(dest: Path, *, sample: bool = True) -> Path:
    """Copy the project template into `dest` (new or empty), name the project after the folder
    and, with `sample`, create the sample warehouse beside it; without, write a blank project."""
    if dest.exists() and any(dest.iterdir()):
        raise ConfigError(f"folder '{dest}' exists and is not empty", hint="choose a new name or remove it")
    if not sample:
        for rel, text in _BLANK.items():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_text(text.format(name=_ident(dest.name)))
        return dest
    shutil.copytree(template_dir(), dest, dirs_exist_ok=True)
    project_file = dest / "sqlmon_project.yml"
    project_file.write_text(project_file.read_text().replace("name: demo", f"name: {_ident(dest.name)}"))
    now = datetime.now(timezone.utc).replace(microsecond=0)
    create_sample_warehouse(dest / "warehouse.duckdb", now)
    # The sample's data ends now and does not move: runs judge it as of this instant, so the
    # demo gives the same answers next week (live data has no `as_of:`).
    with project_file.open("a") as f:
        f.write("\n# The sample warehouse's data ends at this instant (stamped by `sqlmon init`); runs judge it\n"
                "# as of then, whatever the day. Remove this line when the project monitors live data.\n"
                f"as_of: \"{now.isoformat()}\"\n")
    return dest


def _ident(text: str) -> str:
    out = "".join(c if c.isalnum() else "_" for c in text)
    return out if out and not out[0].isdigit() else f"p_{out}"

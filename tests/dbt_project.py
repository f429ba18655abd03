"""A real dbt project built in a temp folder, for the dbt integration tests (README "With dbt").

It has what resolution must get right: a source with its own `schema:` and `identifier:`, a staging
model with a custom schema and an alias, a versioned model whose `latest_version` (2) is below its
highest version (3), a seed, an ephemeral and a disabled model, and two marts downstream of the
staging model (delay_scores, tagged `ml`, and delay_report, which also reads the seed) for lineage. `dbt build` runs in a subprocess
(the dbt of this venv, anonymous usage stats off); sqlmon never imports dbt."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from engines import engine_unavailable

FILES = {
    "dbt_project.yml": """\
name: shop
version: "1.0"
config-version: 2
profile: shop
models:
  shop:
    staging:
      +schema: staging
""",
    "models/staging/sources.yml": """\
version: 2
sources:
  - name: raw
    schema: "{{ var('landing', 'landing') }}"
    tables:
      - name: flights
        identifier: flights_2024
""",
    "models/staging/stg_flights.sql": "{{ config(alias='flights_clean') }}\nselect * from {{ source('raw', 'flights') }}\n",
    "models/marts/scores.sql": "select 1 as id, 0.25 as score\n",
    "models/marts/scores_v2.sql": "select 2 as id, 0.5 as score\n",
    "models/marts/scores_v3.sql": "select 3 as id, 0.75 as score\n",
    "models/marts/delay_scores.sql": "{{ config(tags=['ml']) }}\nselect id, delay * 2 as score from {{ ref('stg_flights') }}\n",
    "models/marts/delay_report.sql": ("select s.id, l.label from {{ ref('delay_scores') }} s\n"
                                      "cross join {{ ref('lookup') }} l\n"),
    "models/marts/eph.sql": "{{ config(materialized='ephemeral') }}\nselect 1 as x\n",
    "models/marts/off.sql": "{{ config(enabled=false) }}\nselect 1 as x\n",
    "models/marts/schema.yml": """\
version: 2
models:
  - name: scores
    latest_version: 2
    versions:
      - v: 1
        defined_in: scores
      - v: 2
        defined_in: scores_v2
      - v: 3
        defined_in: scores_v3
""",
    "seeds/lookup.csv": "code,label\n1,one\n2,two\n",
}

# What each ref()/source() must resolve to: (schema, relation name) in the warehouse's catalog,
# `{schema}` being the profile's schema.
EXPECTED = {
    "ref('stg_flights')": ("{schema}_staging", "flights_clean"),
    "source('raw', 'flights')": ("{landing}", "flights_2024"),
    "ref('scores')": ("{schema}", "scores_v2"),
    "ref('scores', v=3)": ("{schema}", "scores_v3"),
    "ref('shop', 'scores', v=1)": ("{schema}", "scores_v1"),
    "ref('lookup')": ("{schema}", "lookup"),
}


def dbt_executable() -> str:
    exe = Path(sys.executable).with_name("dbt")
    if not exe.exists():
        engine_unavailable("dbt", "dbt-core is not installed (pip install -e '.[dbt]')")
    return str(exe)


def dbt_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "SQLMON_"))}
    env.update(DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false", DBT_VERSION_CHECK="false",
               DBT_USE_COLORS="false", DBT_PARTIAL_PARSE="false")
    return env


def write_project(root: Path, profile: dict[str, Any]) -> None:
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    out = "\n".join(f"      {k}: {v}" for k, v in profile.items())
    (root / "profiles.yml").write_text(f"shop:\n  target: dev\n  outputs:\n    dev:\n{out}\n")


def dbt(root: Path, *args: str, vars: str | None = None) -> subprocess.CompletedProcess:
    cmd = [dbt_executable(), *args, "--profiles-dir", str(root), "--project-dir", str(root)]
    if vars:
        cmd += ["--vars", vars]
    proc = subprocess.run(cmd, cwd=root, env=dbt_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return proc

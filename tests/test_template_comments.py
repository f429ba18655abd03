"""The demo's comments state documented defaults; they are read here against the code that decides,
so a changed default cannot leave a stale comment behind (issue 30: the drift comment said
"KS p < 0.05 AND Wasserstein >= 0.1" long after the verdict moved to 0.01 and 0.075)."""
from __future__ import annotations

import re

import yaml

from sqlmon.judge.stats import ALPHA
from sqlmon.judge.verdict import DEFAULT_VERDICT
from sqlmon.resources import template_dir
from sqlmon.testtypes import TEST_TYPES


def comment(path, pattern):
    found = re.search(pattern, path.read_text())
    assert found, f"{path.name}: no comment matching {pattern!r}"
    return [float(g) for g in found.groups()]


def test_drift_comments_state_the_default_verdict():
    features = template_dir() / "monitors" / "features.yml"
    assert comment(features, r"# default: KS p < ([0-9.]+) AND Wasserstein >= ([0-9.]+)") == [
        ALPHA, DEFAULT_VERDICT["numeric"][2]]
    assert comment(features, r"# categorical: chi-square p < ([0-9.]+) AND Jensen-Shannon >= ([0-9.]+)") == [
        ALPHA, DEFAULT_VERDICT["categorical"][2]]
    (share,) = comment(features, r"dataset_drift +# share of drifted columns, fails at >= ([0-9.]+)%")
    assert TEST_TYPES["dataset_drift"].error_if == f">= {share / 100:g}"


def test_the_not_null_comment_states_the_project_default():
    root = template_dir()
    warn, fail = comment(root / "monitors" / "churn.yml", r"project default: warn above ([0-9.]+)%, fail above ([0-9.]+)%")
    defaults = yaml.safe_load((root / "sqlmon_project.yml").read_text())["defaults"]["not_null"]
    assert (defaults["warn_if"], defaults["error_if"]) == (f"> {warn:g}%", f"> {fail:g}%")

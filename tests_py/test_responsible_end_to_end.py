"""End to end: the second segmentation question on the generated plan.

Builds run on the shared generated extracts (conftest), each in its own temporary warehouse.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests_py.support import REPO_ROOT, dbt_build, failed_nodes, query

pytestmark = pytest.mark.end_to_end

QUESTIONS = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]["segmentation_questions"]
SEED_PERSONAS = pd.read_csv(REPO_ROOT / "seeds" / "personas.csv")


@pytest.fixture(scope="module")
def high_utilizers(extracts, tmp_path_factory) -> tuple[Path, dict]:
    workdir = tmp_path_factory.mktemp("build_high_utilizers")
    return workdir, dbt_build(workdir, extracts, {"segmentation_question": "high_utilizers"})


def test_high_utilizers_question_builds_and_passes_every_test(high_utilizers):
    _, run_results = high_utilizers

    assert failed_nodes(run_results) == {}


def test_high_utilizers_question_clusters_on_its_own_features_and_k(high_utilizers):
    workdir, _ = high_utilizers
    run = query(workdir, "select * from segmentation_runs").iloc[0]
    question = QUESTIONS["high_utilizers"]

    assert run["segmentation_question"] == "high_utilizers"
    assert run["features"] == ",".join(question["features"])
    assert run["log1p_features"] == ",".join(question["log1p_features"])
    assert run["n_segments"] == question["n_segments"]


def test_high_utilizer_segments_take_the_questions_personas(high_utilizers):
    workdir, _ = high_utilizers
    found = query(workdir, "select distinct persona from member_outreach")
    expected = SEED_PERSONAS.loc[SEED_PERSONAS["segmentation_question"] == "high_utilizers", "persona"]

    assert set(found["persona"]) == set(expected)


def test_complex_care_members_are_the_oldest_and_costliest_segment(high_utilizers):
    workdir, _ = high_utilizers
    profiles = query(workdir, "select * from segment_profiles").set_index("persona")

    assert profiles["mean_paid_amount_per_member_month"].idxmax() == "Complex Care Members"
    assert profiles["mean_age"].idxmax() == "Complex Care Members"
    assert profiles["mean_claims"].idxmin() == "Low Utilizers"

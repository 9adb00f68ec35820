"""End to end: the second segmentation question, human review and explainable segments, on the generated plan.

Builds run on the shared generated extracts (conftest), each in its own temporary warehouse; the review
variant builds a copy of the project whose personas seed has one persona back in draft.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests_py.support import REPO_ROOT, dbt_build, failed_nodes, project_copy, query

pytestmark = pytest.mark.end_to_end

QUESTIONS = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]["segmentation_questions"]
SEED_PERSONAS = pd.read_csv(REPO_ROOT / "seeds" / "personas.csv")
DRAFTED_PERSONA = "Cost Sensitive Members"


@pytest.fixture(scope="module")
def drafted_persona_build(extracts, tmp_path_factory) -> tuple[Path, dict]:
    """The default question with DRAFTED_PERSONA's review withdrawn in the seed."""
    project = project_copy(tmp_path_factory.mktemp("project_with_a_draft"))
    personas = SEED_PERSONAS.copy()
    drafted = personas["persona"] == DRAFTED_PERSONA
    personas.loc[drafted, ["review_status", "reviewed_by", "reviewed_on"]] = ["draft", None, None]
    personas.to_csv(project / "seeds" / "personas.csv", index=False)
    workdir = tmp_path_factory.mktemp("build_with_a_draft")
    return workdir, dbt_build(workdir, extracts, project_dir=project)


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


def test_high_utilizer_segments_match_the_questions_personas_closely(high_utilizers):
    workdir, _ = high_utilizers
    segments = query(workdir, "select * from segment_reviews")
    expected = SEED_PERSONAS.loc[SEED_PERSONAS["segmentation_question"] == "high_utilizers", "persona"]

    assert set(segments["matched_persona"]) == set(expected)
    assert (segments["persona_profile_distance"] <= 0.5).all()


def test_draft_high_utilizer_personas_keep_their_members_in_review_without_action(high_utilizers):
    workdir, _ = high_utilizers
    outreach = query(workdir, "select persona, recommended_action, review_reason from member_outreach")

    assert set(outreach["persona"]) == {"Needs review"}
    assert outreach["recommended_action"].isna().all()
    assert outreach["review_reason"].str.fullmatch(r"persona .+ is draft, not approved").all()


def test_a_persona_put_back_in_draft_yields_needs_review_and_no_action_for_its_members(drafted_persona_build):
    workdir, run_results = drafted_persona_build
    outreach = query(workdir, "select * from member_outreach")
    drafted = outreach[outreach["matched_persona"] == DRAFTED_PERSONA]
    approved = outreach[outreach["matched_persona"] != DRAFTED_PERSONA]

    assert failed_nodes(run_results) == {}
    assert len(drafted) > 0
    assert (drafted["persona"] == "Needs review").all()
    assert drafted[["recommended_action", "outreach_channel"]].isna().all().all()
    assert (drafted["review_reason"] == f"persona {DRAFTED_PERSONA} is draft, not approved").all()
    assert (approved["persona"] == approved["matched_persona"]).all()
    assert approved["recommended_action"].notna().all()


def test_complex_care_members_are_the_oldest_and_costliest_segment(high_utilizers):
    workdir, _ = high_utilizers
    profiles = query(workdir, "select * from segment_profiles").set_index("matched_persona")

    assert profiles["mean_paid_amount_per_member_month"].idxmax() == "Complex Care Members"
    assert profiles["mean_age"].idxmax() == "Complex Care Members"
    assert profiles["mean_claims"].idxmin() == "Low Utilizers"


def test_segment_descriptions_say_what_sets_the_planted_personas_apart(build):
    workdir, _ = build
    descriptions = query(workdir, "select persona, description from segment_profiles").set_index("persona")

    assert descriptions.loc["Care Management Members", "description"] == "older, many claims, heavy portal use"
    assert "calls the plan often" in descriptions.loc["Cost Sensitive Members", "description"]


def test_profile_z_scores_are_the_centroids_and_null_for_features_the_question_leaves_out(build):
    workdir, _ = build
    profiles = query(workdir, "select * from segment_profiles").set_index("segment_id")
    centroids = query(workdir, "select segment_id, feature, centroid_scaled from segment_centroids")

    for row in centroids.itertuples():
        assert profiles.loc[row.segment_id, f"centroid_z_{row.feature}"] == pytest.approx(row.centroid_scaled)
    assert profiles["centroid_z_paid_amount_per_member_month"].isna().all()


def test_the_least_typical_members_of_each_segment_are_flagged_for_review(build):
    workdir, _ = build
    flagged = query(
        workdir,
        """
        select segment_id, avg(cast(flagged_for_review as integer)) as flagged_share,
            min(case when flagged_for_review then distance_to_centroid end) as nearest_flagged,
            max(case when not flagged_for_review then distance_to_centroid end) as farthest_kept
        from member_outreach group by segment_id
        """,
    )

    assert flagged["flagged_share"].between(0.04, 0.06).all()
    assert (flagged["nearest_flagged"] >= flagged["farthest_kept"]).all()

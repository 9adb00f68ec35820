"""End to end: the second segmentation question, human review, explainable segments and the fairness audit,
on the generated plan.

Builds run on the shared generated extracts (conftest), each in its own temporary warehouse. One variant build,
to spare the shared machine a build, carries two independent changes: its project's personas seed has
DRAFTED_PERSONA back in draft, and its members extract has SKEWED_PERSONA over-represented among the speakers
of SKEWED_LANGUAGE.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.support import REPO_ROOT, dbt_build, dbt_output, failed_nodes, project_copy, query

pytestmark = pytest.mark.end_to_end

QUESTIONS = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]["segmentation_questions"]
SEED_PERSONAS = pd.read_csv(REPO_ROOT / "seeds" / "personas.csv")
DRAFTED_PERSONA = "Cost Sensitive Members"
SKEWED_PERSONA = "Care Management Members"
SKEWED_LANGUAGE = "vi"
SKEWED_MEMBERS = 300
FAIRNESS_TEST = "test.member_segmentation.segment_fairness_has_no_unexplained_flags"
MIN_CELL_SIZE = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]["fairness_min_cell_size"]


def skew_language(extracts: Path, destination: Path) -> Path:
    """A copy of the extracts in which SKEWED_MEMBERS planted SKEWED_PERSONA members prefer SKEWED_LANGUAGE
    (about 1.5% of members speak it), so that persona is over-represented among its speakers."""
    shutil.copytree(extracts, destination)
    members = pd.read_parquet(destination / "members.parquet")
    truth = pd.read_parquet(destination / "_truth" / "planted_personas.parquet")
    planted = truth.loc[truth["planted_persona"] == SKEWED_PERSONA, "member_id"].sample(SKEWED_MEMBERS, random_state=1)
    members.loc[members["member_id"].isin(planted), "preferred_language"] = SKEWED_LANGUAGE
    members.to_parquet(destination / "members.parquet", index=False)
    return destination


@pytest.fixture(scope="module")
def variant_build(extracts, tmp_path_factory) -> tuple[Path, dict]:
    """DRAFTED_PERSONA's review withdrawn in the seed; SKEWED_PERSONA over-represented among SKEWED_LANGUAGE."""
    project = project_copy(tmp_path_factory.mktemp("project_with_a_draft"))
    personas = SEED_PERSONAS.copy()
    drafted = personas["persona"] == DRAFTED_PERSONA
    personas.loc[drafted, ["review_status", "reviewed_by", "reviewed_on"]] = ["draft", None, None]
    personas.to_csv(project / "seeds" / "personas.csv", index=False)
    skewed = skew_language(extracts, tmp_path_factory.mktemp("skewed") / "raw")
    workdir = tmp_path_factory.mktemp("build_variant")
    return workdir, dbt_build(workdir, skewed, project_dir=project)


@pytest.fixture(scope="module")
def high_utilizers(extracts, tmp_path_factory) -> tuple[Path, dict]:
    workdir = tmp_path_factory.mktemp("build_high_utilizers")
    return workdir, dbt_build(workdir, extracts, {"segmentation_question": "high_utilizers"})


def test_high_utilizers_question_builds_and_passes_every_test(high_utilizers):
    _, run_results = high_utilizers

    assert failed_nodes(run_results) == {}


def test_high_utilizers_question_clusters_on_its_own_features_and_k(high_utilizers):
    workdir, _ = high_utilizers
    run = query(workdir, "select * from segmentation_run_history").iloc[0]
    question = QUESTIONS["high_utilizers"]

    assert run["segmentation_question"] == "high_utilizers"
    assert run["features"] == ",".join(question["features"])
    assert run["transform"] == question["transform"] == "yeo_johnson"
    assert run["transform_lambdas"].split(",")[0].startswith(f"{question['features'][0]}=")
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


def test_a_persona_put_back_in_draft_yields_needs_review_and_no_action_for_its_members(variant_build):
    workdir, _ = variant_build
    outreach = query(workdir, "select * from member_outreach")
    drafted = outreach[outreach["matched_persona"] == DRAFTED_PERSONA]
    approved = outreach[outreach["matched_persona"] != DRAFTED_PERSONA]

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


def test_fairness_warns_and_names_the_language_group_a_persona_is_over_represented_in(variant_build):
    workdir, run_results = variant_build
    named = f"segment_fairness flag: persona '{SKEWED_PERSONA}' among preferred_language = '{SKEWED_LANGUAGE}'"

    assert failed_nodes(run_results) == {FAIRNESS_TEST: "warn"}
    assert named in dbt_output(workdir)


def test_fairness_is_quiet_on_balanced_data(build):
    workdir, run_results = build
    statuses = {result["unique_id"]: result["status"] for result in run_results["results"]}

    assert statuses[FAIRNESS_TEST] == "pass"
    assert "segment_fairness flag" not in dbt_output(workdir)


@pytest.mark.parametrize("build_name", ["build", "variant_build", "high_utilizers"])
def test_suppressed_cells_never_show_a_count_under_the_minimum(build_name, request):
    workdir, _ = request.getfixturevalue(build_name)
    cells = query(workdir, "select * from segment_fairness")
    shown = cells[~cells["suppressed"]]
    hidden = cells[cells["suppressed"]]

    assert len(hidden) > 0
    assert hidden[["group_members", "outcome_members", "group_rate", "rate_ratio", "flagged"]].isna().all().all()
    assert (shown["outcome_members"] >= MIN_CELL_SIZE).all()
    assert (shown["group_members"] - shown["outcome_members"] >= MIN_CELL_SIZE).all()

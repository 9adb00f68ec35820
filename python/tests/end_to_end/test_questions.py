"""The source's three business questions as built marts (models/marts/questions/): each holds the columns its yml
documents, one row per member, and exactly the members its definition (and its vars' thresholds) selects."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from tests.support import REPO_ROOT, query

pytestmark = pytest.mark.end_to_end

QUESTIONS = ["digital_over_call_center", "preventive_care_education_candidates", "renewal_help_candidates"]
VARS = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]


def mart(build, name: str) -> pd.DataFrame:
    return query(build[0], f"select * from {name}")


def test_the_questions_folder_holds_the_seed_questions():
    assert sorted(path.stem for path in (REPO_ROOT / "models" / "marts" / "questions").glob("*.sql")) == QUESTIONS


@pytest.mark.parametrize("name", QUESTIONS)
def test_question_mart_has_one_row_per_member_with_its_documented_columns(build, manifest, name):
    result = mart(build, name)
    documented = list(manifest["nodes"][f"model.member_segmentation.{name}"]["columns"])

    assert len(result) > 0
    assert list(result.columns) == documented
    assert result["member_id"].is_unique


def test_preventive_care_candidates_are_every_member_at_or_under_the_claims_threshold_oldest_first(build):
    result = mart(build, "preventive_care_education_candidates").sort_values("education_priority")
    expected = query(
        build[0],
        f"select member_id from member_features where claims <= {VARS['preventive_care_max_claims']}",
    )

    assert set(result["member_id"]) == set(expected["member_id"])
    assert result["education_priority"].tolist() == list(range(1, len(result) + 1))
    assert result["age"].is_monotonic_decreasing


def test_renewal_candidates_compare_the_current_span_with_the_one_before_it(build, extracts):
    result = mart(build, "renewal_help_candidates")
    spans = pd.read_parquet(extracts / "enrollments.parquet")
    current = spans.set_index("enrollment_id").loc[result["current_enrollment_id"]]
    earlier = spans.merge(current[["member_id", "coverage_start"]], on="member_id", suffixes=("", "_current"))
    earlier = earlier[earlier["coverage_start"] < earlier["coverage_start_current"]]
    expected_previous = (
        earlier.sort_values(["coverage_start", "enrollment_id"]).groupby("member_id")["enrollment_id"].last()
    )
    personas = ", ".join(f"'{persona}'" for persona in VARS["renewal_help_personas"])
    in_personas = query(build[0], f"select count(*) as n from member_outreach where persona in ({personas})")

    found_previous = result.set_index("member_id")["previous_enrollment_id"].dropna()
    pd.testing.assert_series_equal(found_previous.sort_index(), expected_previous.sort_index(), check_names=False)
    change = result["current_net_premium"] - result["previous_net_premium"]
    pd.testing.assert_series_equal(result["net_premium_change"], change, check_names=False)
    assert result["is_renewal_help_persona"].sum() == in_personas.loc[0, "n"]
    by_increase = result["net_premium_change"] >= VARS["renewal_min_premium_increase"]
    assert (result["is_renewal_help_persona"] | by_increase).all()
    assert by_increase.sum() > 0


def test_digital_preferers_meet_both_thresholds_and_are_every_member_who_does(build):
    result = mart(build, "digital_over_call_center")
    features = query(build[0], "select member_id, portal_logins, email_opens, call_center from member_features")
    digital = features["portal_logins"] + features["email_opens"]
    share = digital / (digital + features["call_center"])
    expected = features.loc[(digital >= VARS["digital_min_interactions"]) & (share >= VARS["digital_min_share"])]

    assert set(result["member_id"]) == set(expected["member_id"])
    assert len(result) < len(features)
    pd.testing.assert_series_equal(
        result["digital_share"],
        result["digital_interactions"] / (result["digital_interactions"] + result["call_center"]),
        check_names=False,
    )
    assert (result["prefers_digital_but_phoned_by_plan"] == (result["outreach_channel"] == "phone")).all()

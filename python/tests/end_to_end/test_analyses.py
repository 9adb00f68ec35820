"""The query cookbook (analyses/): every analysis compiles, says what it answers, and runs on a built warehouse
returning the columns its yml documents and rows that satisfy its own definition."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.support import REPO_ROOT, query

ANALYSES = sorted(path.stem for path in (REPO_ROOT / "analyses").glob("*.sql"))


def compiled_sql(compiled_project: Path, name: str) -> str:
    return (compiled_project / "compiled" / "member_segmentation" / "analyses" / f"{name}.sql").read_text()


def run_analysis(build: tuple[Path, dict], compiled_project: Path, name: str) -> pd.DataFrame:
    workdir, _ = build
    return query(workdir, compiled_sql(compiled_project, name))


def test_the_cookbook_answers_the_seed_questions():
    assert ANALYSES == ["digital_over_call_center", "preventive_care_education_candidates", "renewal_help_candidates"]


@pytest.mark.parametrize("name", ANALYSES)
def test_analysis_compiles_with_a_header_stating_question_grain_and_how_to_run(compiled_project, name):
    sql = compiled_sql(compiled_project, name)
    header = sql.split("\nwith\n")[0]

    assert "{{" not in sql
    assert "{%" not in sql
    assert header.startswith("-- Question: ")
    assert "-- Grain: " in header
    assert f"dbt compile --select {name}" in header


@pytest.mark.end_to_end
@pytest.mark.parametrize("name", ANALYSES)
def test_analysis_returns_one_row_per_member_with_its_documented_columns(build, compiled_project, manifest, name):
    result = run_analysis(build, compiled_project, name)
    documented = list(manifest["nodes"][f"analysis.member_segmentation.{name}"]["columns"])

    assert len(result) > 0
    assert list(result.columns) == documented
    assert result["member_id"].is_unique


@pytest.mark.end_to_end
def test_preventive_care_candidates_are_every_member_without_claims_oldest_first(build, compiled_project):
    result = run_analysis(build, compiled_project, "preventive_care_education_candidates")
    without_claims = query(build[0], "select count(*) as n from member_features where claims = 0").loc[0, "n"]

    assert len(result) == without_claims
    assert (result["claims"] == 0).all()
    assert result["education_priority"].tolist() == list(range(1, len(result) + 1))
    assert result["age"].is_monotonic_decreasing


@pytest.mark.end_to_end
def test_renewal_candidates_compare_the_current_span_with_the_one_before_it(build, compiled_project, extracts):
    result = run_analysis(build, compiled_project, "renewal_help_candidates")
    spans = pd.read_parquet(extracts / "enrollments.parquet")
    current = spans.set_index("enrollment_id").loc[result["current_enrollment_id"]]
    earlier = spans.merge(current[["member_id", "coverage_start"]], on="member_id", suffixes=("", "_current"))
    earlier = earlier[earlier["coverage_start"] < earlier["coverage_start_current"]]
    expected_previous = (
        earlier.sort_values(["coverage_start", "enrollment_id"]).groupby("member_id")["enrollment_id"].last()
    )
    cost_sensitive = query(
        build[0], "select count(*) as n from member_outreach where persona = 'Cost Sensitive Members'"
    ).loc[0, "n"]

    found_previous = result.set_index("member_id")["previous_enrollment_id"].dropna()
    pd.testing.assert_series_equal(found_previous.sort_index(), expected_previous.sort_index(), check_names=False)
    change = result["current_net_premium"] - result["previous_net_premium"]
    pd.testing.assert_series_equal(result["net_premium_change"], change, check_names=False)
    assert result["is_cost_sensitive_persona"].sum() == cost_sensitive
    assert (result["is_cost_sensitive_persona"] | (result["net_premium_change"] > 0)).all()


@pytest.mark.end_to_end
def test_digital_preferers_interact_mostly_digitally(build, compiled_project):
    result = run_analysis(build, compiled_project, "digital_over_call_center")
    members = query(build[0], "select count(*) as n from member_features").loc[0, "n"]
    share = result["digital_interactions"] / (result["digital_interactions"] + result["call_center"])

    assert len(result) < members
    assert (result["digital_interactions"] > result["call_center"]).all()
    pd.testing.assert_series_equal(result["digital_share"], share, check_names=False)
    assert result["digital_share"].is_monotonic_decreasing
    assert (result["prefers_digital_but_phoned_by_plan"] == (result["outreach_channel"] == "phone")).all()

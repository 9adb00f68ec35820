"""The production build (`make build`, `make dbt-build`: build_runner) leaves out dbt's unit tests and nothing else;
`make test` and CI run them in every end-to-end build (plain `dbt build`), so a failing unit test fails them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import dbt_build, project_copy

pytestmark = pytest.mark.end_to_end

UNIT_TESTS_YML = Path("models") / "intermediate" / "_intermediate__unit_tests.yml"
# One expected row of claims_count_distinct_claims_inside_the_window_only, and a wrong count for it.
EXPECTED_ROW = "- {member_id: A, claims: 3}"
WRONG_ROW = "- {member_id: A, claims: 4}"


def _nodes(run_results: dict, kind: str) -> set[str]:
    return {result["unique_id"] for result in run_results["results"] if result["unique_id"].startswith(f"{kind}.")}


def test_the_production_build_runs_every_model_and_data_test_but_no_unit_test(small_build, build):
    _, production = small_build
    _, ci_results = build
    assert production.run_results is not None

    assert _nodes(production.run_results, "unit_test") == set()
    assert _nodes(ci_results, "unit_test")  # the CI build (make test's end-to-end fixture) runs them
    for kind in ("model", "test", "seed"):
        assert _nodes(production.run_results, kind) == _nodes(ci_results, kind), kind


def test_a_failing_unit_test_fails_the_ci_build(small_extracts, tmp_path):
    project = project_copy(tmp_path / "project")
    unit_tests = project / UNIT_TESTS_YML
    text = unit_tests.read_text()
    assert text.count(EXPECTED_ROW) == 1
    unit_tests.write_text(text.replace(EXPECTED_ROW, WRONG_ROW))

    with pytest.raises(AssertionError, match="claims_count_distinct_claims_inside_the_window_only") as failed:
        dbt_build(tmp_path / "build", small_extracts, project_dir=project)

    assert "dbt build failed" in str(failed.value)

"""Every assertion folded into a model's `assertions` test still fails on the input it was written for.

The `assertions` generic test (macros/generic_tests/assertions.sql) runs a model's not_null, unique, grain,
accepted_values, accepted_range and expression_is_true checks in one query. For each assertion of every such test in
the end-to-end build, this test copies the model into a temporary table, adds one row that breaks exactly that
assertion (a copy of a real row with one value changed, or two copies for uniqueness), runs the test's compiled SQL
on the copy and requires the result to name the assertion. The assertion names are read from the compiled SQL, so
an assertion added to a yml is covered without touching this file; an expression needs its breaking values below.
A test with a `where` config (a history's grain on this build's as-of date, a validated model's ids unique among
valid rows) is broken by rows its `where` keeps, and the same rows moved out of it (an earlier as-of date, a
rejected row) must not fail it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from segmentation_tools.bench.harness import warehouse_path

from tests.support import project_copy, query, run_build

pytestmark = pytest.mark.end_to_end

# The assertion names of a compiled assertions test: `select '<name>' as assertion`.
ASSERTION_NAME = re.compile(r"select '((?:[^']|'')*)' as assertion")
ASSERTION = re.compile(r"(?P<kind>\w+)\((?P<arguments>.*)\)(?::.*)?$", re.DOTALL)

# Values that break each expression_is_true assertion, set on a copy of a real row (the model's other columns keep
# that row's values). Keyed by the expression as compiled (vars at their dbt_project.yml values), whitespace runs
# read as one space.
EXPRESSION_BREAKERS: dict[str, dict[str, str]] = {
    "(persona = 'Needs review') = (recommended_action is null and outreach_channel is null)": {
        "persona": "'Needs review'",
        "recommended_action": "'Send portal tips'",
    },
    "(persona = 'Needs review') = (review_reason is not null)": {"persona": "'Needs review'", "review_reason": "null"},
    "flagged_for_review = (confidence_band = 'low')": {"flagged_for_review": "true", "confidence_band": "'high'"},
    "outreach_group = 'outreach' or suppression_reason is null": {
        "outreach_group": "'holdout'",
        "suppression_reason": "'opted_out_of_channel'",
    },
    "coalesce(suppression_reason = 'persona_needs_review', false) = (outreach_group = 'outreach' and persona = "
    "'Needs review')": {"outreach_group": "'outreach'", "persona": "'Needs review'", "suppression_reason": "null"},
    "cohort_as_of_date < followed_up_as_of_date": {
        "cohort_as_of_date": "date '2025-12-31'",
        "followed_up_as_of_date": "date '2025-11-30'",
    },
    "lift is null or (lift_ci_low <= lift and lift <= lift_ci_high)": {
        "lift": "0.5",
        "lift_ci_low": "0.6",
        "lift_ci_high": "0.7",
    },
    "(outreach_members is null) = (lift is null) and (outreach_members is null) = (holdout_members is null)": {
        "outreach_members": "null",
        "lift": "0.1",
    },
    "review_status != 'approved' or (reviewed_by is not null and reviewed_on is not null)": {
        "review_status": "'approved'",
        "reviewed_by": "null",
    },
    "scaler_scale > 0": {"scaler_scale": "0"},
    "(status = 'rejected') = (rejection_rule is not null and rejected_in is not null)": {
        "status": "'rejected'",
        "rejection_rule": "null",
    },
    "digital_interactions >= 6 and digital_share >= 0.8": {"digital_interactions": "0"},
    "claims <= 0": {"claims": "1"},
    "is_renewal_help_persona or net_premium_change >= 25": {
        "is_renewal_help_persona": "false",
        "net_premium_change": "0",
    },
    "(previous_enrollment_id is null) = (net_premium_change is null)": {
        "previous_enrollment_id": "null",
        "net_premium_change": "10",
    },
    "suppressed or (group_members >= 11 and outcome_members >= 11 and group_members - outcome_members >= 11)": {
        "suppressed": "false",
        "group_members": "1",
    },
    "not suppressed or coalesce(group_members, outcome_members, group_rate, rate_ratio, rate_ratio_lower, "
    "rate_ratio_upper, cast(flagged as integer)) is null": {"suppressed": "true", "group_members": "100"},
    "(migration = 'entered') = (from_segment_id is null) and (migration = 'left') = (to_segment_id is null) and "
    "(migration = 'stayed') = (coalesce(from_segment_id = to_segment_id, false))": {
        "migration": "'stayed'",
        "from_segment_id": "1",
        "to_segment_id": "2",
    },
    "previous_as_of_date is null or (members = continuing_members + entered_members and previous_members = "
    "continuing_members + left_members)": {
        "previous_as_of_date": "date '2025-11-30'",
        "members": "10",
        "continuing_members": "1",
        "entered_members": "1",
    },
}

# Values that move a copied row out of an assertions test's `where` config, keyed by the where as compiled (the
# build's as-of date is dbt_project.yml's).
OUTSIDE_THE_WHERE: dict[str, dict[str, str]] = {
    "as_of_date = cast('2025-12-31' as date)": {"as_of_date": "date '2025-11-30'"},
    "rejection_rule is null": {"rejection_rule": "'rejected'"},
}


@dataclass(frozen=True)
class FoldedAssertion:
    test_name: str
    relation: str
    compiled_sql: str
    assertion: str
    where: str | None

    @property
    def kind(self) -> str:
        return ASSERTION.match(self.assertion).group("kind")

    @property
    def arguments(self) -> str:
        return ASSERTION.match(self.assertion).group("arguments")


def declared_assertions(kwargs: dict) -> int:
    """How many assertions the yml declares in one assertions test."""
    per_column = ("not_null", "unique", "accepted_values", "accepted_range", "expression_is_true")
    return sum(len(kwargs.get(argument) or ()) for argument in per_column) + bool(
        kwargs.get("unique_combination_of_columns")
    )


def folded_assertions(workdir: Path, run_results: dict) -> list[FoldedAssertion]:
    """Every assertion of every assertions test the build ran, with its model's relation."""
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    found = []
    for result in run_results["results"]:
        node = manifest["nodes"].get(result["unique_id"], {})
        if (node.get("test_metadata") or {}).get("name") != "assertions":
            continue
        model = manifest["nodes"].get(node["attached_node"]) or manifest["sources"][node["depends_on"]["nodes"][0]]
        names = ASSERTION_NAME.findall(result["compiled_code"])
        assert len(names) == declared_assertions(node["test_metadata"]["kwargs"]), node["name"]
        for name in names:
            found.append(
                FoldedAssertion(
                    node["name"],
                    model["relation_name"],
                    result["compiled_code"],
                    name.replace("''", "'"),
                    node["config"].get("where"),
                )
            )
    return found


def some_value(column_type: str) -> str:
    """A non-null SQL literal of the column type, for a key column that is null in the copied row."""
    if column_type.startswith(("DATE", "TIMESTAMP")):
        return f"cast('2025-01-01' as {column_type})"
    if column_type == "BOOLEAN":
        return "true"
    return f"cast('1' as {column_type})"


def breaking_rows(
    connection: duckdb.DuckDBPyConnection, assertion: FoldedAssertion, moved: dict[str, str] | None = None
) -> str:
    """SQL selecting the row(s) to add to the copy `mutated` so that the assertion fails: copies of a row the test's
    `where` keeps, with the values `moved` (if any) set last."""
    types = dict(connection.sql("select column_name, column_type from (describe mutated)").fetchall())
    arguments = [argument.strip() for argument in assertion.arguments.split(",")]
    kept = f"select * from mutated where {assertion.where}" if assertion.where else "select * from mutated"

    def copy_of_a_row(overrides: dict[str, str]) -> str:
        overrides = {**overrides, **(moved or {})}
        columns = ", ".join(f"cast({value} as {types[column]}) as {column}" for column, value in overrides.items())
        if connection.sql(f"select count(*) from ({kept})").fetchall()[0][0]:
            return f"select * replace ({columns}) from ({kept} limit 1)"
        nulls = ", ".join(f"cast(null as {column_type}) as {column}" for column, column_type in types.items())
        return f"select * replace ({columns}) from (select {nulls})"

    if assertion.kind == "not_null":
        return copy_of_a_row({arguments[0]: "null"})
    if assertion.kind == "accepted_values":
        return copy_of_a_row({arguments[0]: "'not an accepted value'"})
    if assertion.kind == "accepted_range":
        bounds = dict(argument.split("=") for argument in arguments[1:])
        value = f"{bounds['min_value']} - 1" if "min_value" in bounds else f"{bounds['max_value']} + 1"
        return copy_of_a_row({arguments[0]: value})
    if assertion.kind in {"unique", "unique_combination_of_columns"}:
        # Two copies of one row; a null key is given a value first, since unique() leaves nulls out.
        overrides = {column: f"coalesce({column}, {some_value(types[column])})" for column in arguments}
        row = copy_of_a_row(overrides)
        return f"{row} union all {row}"
    if assertion.kind == "expression_is_true":
        expression = " ".join(assertion.arguments.split())
        assert expression in EXPRESSION_BREAKERS, f"{assertion.test_name}: no breaking values for {expression!r}"
        return copy_of_a_row(EXPRESSION_BREAKERS[expression])
    raise AssertionError(f"{assertion.test_name}: unknown assertion {assertion.assertion!r}")


def failing_assertions(connection: duckdb.DuckDBPyConnection, assertion: FoldedAssertion) -> set[str]:
    """Names of the assertions the test's compiled SQL reports on the copy."""
    sql = assertion.compiled_sql.replace(assertion.relation, "mutated")
    return {row[0] for row in connection.sql(sql).fetchall()}


def copy_the_model(connection: duckdb.DuckDBPyConnection, assertion: FoldedAssertion) -> None:
    """A fresh temporary copy `mutated` of the assertion's model, on which its test passes."""
    connection.sql("drop table if exists mutated")
    connection.sql(f"create temp table mutated as select * from {assertion.relation}")
    assert failing_assertions(connection, assertion) == set(), f"{assertion.test_name} fails unbroken"


def test_every_folded_assertion_fails_on_a_row_that_breaks_it(build):
    workdir, run_results = build
    assertions = folded_assertions(workdir, run_results)
    assert len({assertion.test_name for assertion in assertions}) >= 30, "the build ran fewer assertions tests"
    missed = []
    with duckdb.connect(str(warehouse_path(workdir)), read_only=True) as connection:
        for assertion in assertions:
            copy_the_model(connection, assertion)
            connection.sql(f"insert into mutated {breaking_rows(connection, assertion)}")
            if assertion.assertion not in failing_assertions(connection, assertion):
                missed.append(f"{assertion.test_name}: {assertion.assertion}")
    assert not missed, "assertions that did not fail on the row that breaks them:\n" + "\n".join(missed)


def test_an_assertions_test_with_a_where_ignores_the_rows_it_leaves_out(build):
    """The rows that break a filtered test's assertion, moved out of its where (a duplicate member on an earlier
    as-of date, a duplicated id on a rejected row), leave it passing."""
    workdir, run_results = build
    filtered = [assertion for assertion in folded_assertions(workdir, run_results) if assertion.where]
    assert len({assertion.test_name for assertion in filtered}) >= 7, "the build ran fewer filtered assertions tests"
    failed = []
    with duckdb.connect(str(warehouse_path(workdir)), read_only=True) as connection:
        for assertion in filtered:
            assert assertion.where in OUTSIDE_THE_WHERE, f"{assertion.test_name}: no values outside {assertion.where!r}"
            copy_the_model(connection, assertion)
            kept_rows = f"select count(*) from mutated where {assertion.where}"
            kept_before = connection.sql(kept_rows).fetchall()
            connection.sql(
                f"insert into mutated {breaking_rows(connection, assertion, OUTSIDE_THE_WHERE[assertion.where])}"
            )
            assert connection.sql(kept_rows).fetchall() == kept_before, f"{assertion.test_name}: rows not moved out"
            if failing_assertions(connection, assertion):
                failed.append(f"{assertion.test_name}: {assertion.assertion}")
    assert not failed, "filtered assertions that failed on rows their where leaves out:\n" + "\n".join(failed)


def test_the_production_build_names_a_broken_assertion_and_its_rows(small_extracts, tmp_path):
    """A build through build_runner (make build) whose member_features breaks one assertion: dbt fails the
    assertions test, and the runner's summary names the assertion and how many rows break it."""
    project = project_copy(tmp_path / "project")
    features_yml = project / "models" / "marts" / "features" / "_features__models.yml"
    text = features_yml.read_text()
    assert text.count("age: {min_value: 0, max_value: 120}") == 1
    features_yml.write_text(text.replace("age: {min_value: 0, max_value: 120}", "age: {min_value: 0, max_value: 17}"))

    result = run_build(tmp_path / "build", small_extracts, dbt_arguments=("--project-dir", str(project)))

    adults = query(tmp_path / "build", "select count(*) as n from member_features where age > 17").loc[0, "n"]
    assert result.returncode == 1
    assert adults > 0
    assert "member_features_assertions: Got 1 result, configured to fail if != 0" in result.output
    assert f"  accepted_range(age, min_value=0, max_value=17): {adults} rows" in result.output

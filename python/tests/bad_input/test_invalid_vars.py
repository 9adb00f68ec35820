"""A var whose value is not of its kind (a date that is not a real date, a count that is not a positive whole
number, a value outside its list or range) stops the build before any model, with one line naming the var, the
value and what is expected (macros/check_vars.sql); build_runner ends with that line."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.end_to_end

DATE = "a real calendar date written YYYY-MM-DD between 1900-01-01 and 2999-12-31, e.g. 2025-12-31"
INVALID_VARS = {
    "as_of_date_that_does_not_exist": (
        {"as_of_date": "2025-02-30"},
        f"var as_of_date is '2025-02-30'; expected {DATE}.",
    ),
    "as_of_date_in_words": ({"as_of_date": "yesterday"}, f"var as_of_date is 'yesterday'; expected {DATE}."),
    "lookback_months_zero": (
        {"lookback_months": 0},
        "var lookback_months is 0; expected a whole number from 1 to 120.",
    ),
    "raw_data_path_with_a_glob_character": (
        {"raw_data_path": "data/plan[1]"},
        "var raw_data_path is 'data/plan[1]'; expected a folder path without the characters * ? [ ] (they make it "
        "a file pattern; rename the folder or link it from a path without them).",
    ),
    "raw_format_not_listed": (
        {"raw_format": "xlsx"},
        "var raw_format is 'xlsx'; expected one of parquet, csv (any letter case).",
    ),
    # A question's threshold is compared in SQL as a number: as text it would be pasted into the query, and
    # "0 or true" would make every member prefer digital engagement.
    "question_threshold_carrying_sql": (
        {"digital_min_share": "0 or true"},
        "var digital_min_share is '0 or true'; expected a number from 0 to 1.",
    ),
    # One name instead of a list: the model would take each of its letters for a persona.
    "persona_names_not_a_list": (
        {"renewal_help_personas": "Cost Sensitive Members"},
        "var renewal_help_personas is 'Cost Sensitive Members'; expected a list of one or more persona names.",
    ),
    "question_not_defined": (
        {"segmentation_question": "churn"},
        "var segmentation_question is 'churn'; expected one of var segmentation_questions: consumer_engagement, "
        "high_utilizers.",
    ),
}


@pytest.mark.parametrize("name", INVALID_VARS)
def test_invalid_var_stops_the_build_before_any_model_with_its_one_line(slot, clean, name):
    dbt_vars, message = INVALID_VARS[name]

    result = slot.build(clean, dbt_vars=dbt_vars)

    assert result.returncode != 0
    assert result.output.rstrip().splitlines()[-2:] == ["dbt build failed:", f"  {message}"]
    assert "START" not in result.output
    assert "Traceback" not in result.output


def test_every_invalid_var_is_named_in_one_stop(slot, clean):
    """All at once: one line per var, so a person fixes them in one go."""
    dbt_vars = {
        "as_of_date": "12/31/2025",
        "lookback_months": "abc",
        "kmeans_n_init": -1,
        "member_review_distance_percentile": 1.0,
        "drift_max_persona_change_share": 1.5,
        "fairness_ratio_min": 0.9,
        "fairness_ratio_max": 0.8,
        "refresh_mode": "partial",
        "plan_time_zone": "Mars/Olympus_Mons",
        "max_monthly_premium": 0,
    }

    result = slot.build(clean, dbt_vars=dbt_vars)

    assert result.returncode != 0
    assert result.output.rstrip().splitlines()[-10:] == [
        "dbt build failed:",
        f"  var as_of_date is '12/31/2025'; expected {DATE}.",
        "  var lookback_months is 'abc'; expected a whole number from 1 to 120.",
        "  var member_review_distance_percentile is 1.0; expected a number greater than 0 and less than 1.",
        "  var fairness_ratio_max is 0.8; expected a number from 1 to 100.",
        "  var refresh_mode is 'partial'; expected one of refit, score.",
        "  var drift_max_persona_change_share is 1.5; expected a number from 0 to 1.",
        "  var kmeans_n_init is -1; expected a whole number from 1 to 1000.",
        "  var plan_time_zone is 'Mars/Olympus_Mons'; expected a time zone name of the IANA database, e.g. UTC or "
        "America/New_York.",
        "  var max_monthly_premium is 0; expected a number greater than 0 and at most 1000000000000.",
    ]
    assert "START" not in result.output


def test_enumeration_is_accepted_in_any_letter_case(slot, clean):
    """raw_format PARQUET reads the same <table>.parquet files (only the staging view of one extract is built)."""
    result = slot.build(
        clean, dbt_vars={"raw_format": "PARQUET"}, dbt_arguments=("--select", "stg_plan_extracts__members")
    )

    assert result.returncode == 0, result.output[-3000:]
    assert "var raw_format" not in result.output

"""The vars of make dbt-build come from the environment as JSON, and build_runner picks check_vars' lines out of
dbt's output."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from segmentation_tools.build_runner import var_problem
from segmentation_tools.build_runner.plan_vars import PlanVarsError, plan_vars


def test_a_path_with_quotes_spaces_and_unicode_arrives_as_it_is():
    environ = {"RAW_DATA_PATH": '/tmp/x/O\'Brien "plan" ü/', "RAW_FORMAT": "csv", "AS_OF_DATE": "2025-11-30"}

    assert plan_vars(environ) == {
        "raw_data_path": '/tmp/x/O\'Brien "plan" ü/',
        "raw_format": "csv",
        "as_of_date": "2025-11-30",
    }


def test_dbt_vars_entries_win_over_the_environment_variables():
    environ = {"RAW_DATA_PATH": "data/raw", "DBT_VARS": "{raw_data_path: /secure/2025-12, n_segments: 3}"}

    assert plan_vars(environ) == {"raw_data_path": "/secure/2025-12", "n_segments": 3}


def test_dbt_vars_that_is_not_a_mapping_is_an_error():
    with pytest.raises(PlanVarsError, match=r"DBT_VARS is 'n_segments'; expected a YAML mapping"):
        plan_vars({"DBT_VARS": "n_segments"})


def test_command_line_prints_json_dbt_reads_back():
    environment = {"RAW_DATA_PATH": "/tmp/O'Brien plan ü", "DBT_VARS": "{as_of_date: 2025-11-30}"}

    printed = subprocess.run(
        [sys.executable, "-m", "segmentation_tools.build_runner.plan_vars"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert json.loads(printed) == {"raw_data_path": "/tmp/O'Brien plan ü", "as_of_date": "2025-11-30"}


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "  var lookback_months is 0; expected a whole number from 1 to 120.\n",
            "var lookback_months is 0; expected a whole number from 1 to 120.",
        ),
        (
            "  - var raw_format is 'xlsx'; expected one of parquet, csv (any letter case).",
            "var raw_format is 'xlsx'; expected one of parquet, csv (any letter case).",
        ),
        ("  Extract data/raw/members.parquet is missing (files in data/raw: none).", None),
        ("15:06:44  Finished running  in 0 hours 0 minutes and 0.55 seconds (0.55s).", None),
    ],
)
def test_var_problem_lines_are_recognised(line, problem):
    assert var_problem(line) == problem

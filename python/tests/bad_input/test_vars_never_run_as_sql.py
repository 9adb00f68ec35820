"""No var is spliced into SQL as code: a raw_data_path or as_of_date carrying SQL runs none of it, and a real path
with an apostrophe, a space and a non-ASCII letter builds, through `make dbt-build` as a person runs it."""

from __future__ import annotations

import subprocess

import pytest
from segmentation_tools.bench.harness import dbt_environment

from tests.bad_input.support import write_extracts
from tests.support import REPO_ROOT, query

pytestmark = pytest.mark.end_to_end


def test_sql_in_raw_data_path_is_read_as_a_path_and_never_runs(slot, clean, tmp_path):
    """The tester's value: it would close the path literal and COPY a file of its choosing."""
    pwned = tmp_path / "pwned.csv"
    injected = f"x'); copy (select 1) to '{pwned}'; --"

    result = slot.build(clean, dbt_vars={"raw_data_path": injected})

    assert not pwned.exists()
    assert result.returncode == 2
    assert f"- Extract {injected}/call_center_contacts.parquet is missing (files in {injected}: none)." in result.output
    assert "START" not in result.output


def test_sql_in_as_of_date_is_rejected_by_the_var_check_and_never_runs(slot, clean, tmp_path):
    pwned = tmp_path / "pwned.csv"
    injected = f"2025-12-31' as date); copy (select 1) to '{pwned}'; --"

    result = slot.build(clean, dbt_vars={"as_of_date": injected})

    assert not pwned.exists()
    assert result.output.rstrip().splitlines()[-1].startswith(f"  var as_of_date is '{injected}'; expected a real")
    assert "START" not in result.output


def test_sql_in_a_persona_name_var_is_compared_as_a_name_and_never_runs(slot, clean):
    """renewal_help_personas reaches SQL as text literals: a name that would close its literal and make every
    member a renewal-help candidate is just a persona name no segment carries."""
    injected = "x') or true or persona in ('"

    result = slot.build(clean, dbt_vars={"renewal_help_personas": ["Cost Sensitive Members", injected]})

    assert result.returncode == 0, result.output[-4000:]
    candidates = query(
        slot.workdir,
        "select count(*) as n, count(*) filter (where is_renewal_help_persona) as persona_n, "
        "count(*) filter (where persona = 'Cost Sensitive Members') as cost_n from renewal_help_candidates",
    )
    assert candidates.loc[0, "persona_n"] == candidates.loc[0, "cost_n"] > 0
    assert candidates.loc[0, "n"] < query(slot.workdir, "select count(*) as n from member_features").loc[0, "n"]


def test_path_with_an_apostrophe_a_space_and_unicode_builds_through_make(clean, tmp_path):
    raw = write_extracts(clean, tmp_path / "x" / "O'Brien plan ü")
    workdir = tmp_path / "build"
    workdir.mkdir()

    completed = subprocess.run(
        ["make", "--no-print-directory", "dbt-build", f"RAW_DATA_PATH={raw}"],
        cwd=REPO_ROOT,
        env=dbt_environment(workdir),
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-4000:]
    assert query(workdir, "select count(*) as n from member_features").loc[0, "n"] > 200
    assert query(workdir, "select count(*) as n from rejected_rows").loc[0, "n"] == 0

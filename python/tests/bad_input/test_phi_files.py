"""Files that hold PHI are readable by their owner only, and a rejected row keeps only the contract's columns of
what the extract carried: an extra ssn or full_name column reaches neither the warehouse nor rejected_rows."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import duckdb
import pytest

from tests.bad_input.defects import set_value
from tests.support import query

pytestmark = pytest.mark.end_to_end

MEMBER_COLUMNS = ["member_id", "date_of_birth", "sex", "state", "county_fips", "preferred_language"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_warehouse_logs_and_run_results_are_owner_only(small_build):
    workdir, _ = small_build

    assert {
        name: oct(mode(workdir / name))
        for name in ("warehouse.duckdb", "logs", "logs/dbt.log", "target", "target/run_results.json")
    } == {
        "warehouse.duckdb": "0o600",
        "logs": "0o700",
        "logs/dbt.log": "0o600",
        "target": "0o700",
        "target/run_results.json": "0o600",
    }


def with_identifying_columns(raw: Path) -> None:
    """members.parquet with two columns the contract does not have."""
    path = raw / "members.parquet"
    duckdb.sql(
        f"select *, '123-45-6789' as ssn, 'Jane Q. Member' as full_name from read_parquet('{path}')"
    ).write_parquet(str(raw / "with_extra.parquet"))
    (raw / "with_extra.parquet").replace(path)


def test_a_rejected_row_keeps_only_the_contracts_columns(slot, clean, cast):
    extracts = {table: frame.copy() for table, frame in clean.items()}
    set_value("members", "member_id", cast[4], "sex", "X")(extracts)

    result = slot.build(extracts, with_identifying_columns)

    assert result.returncode == 0, result.output[-4000:]
    original = query(slot.workdir, f"select original_values from rejected_rows where natural_key = '{cast[4]}'")
    assert list(json.loads(original.iloc[0, 0])) == MEMBER_COLUMNS
    staged = query(slot.workdir, "select column_name from (describe main_staging.stg_plan_extracts__members)")
    assert not {"ssn", "full_name"} & set(staged["column_name"])

"""Shared by the bad-input suite: extracts as DataFrames in and out of files, a reusable build folder, and
what a build made of a row or a member."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS

from tests.support import BuildResult, query, run_build

if TYPE_CHECKING:  # defects.py imports this module
    from tests.bad_input.defects import Quarantine

Extracts = dict[str, pd.DataFrame]
# The tests that prove every row of an extract is used or rejected: a build with bad rows must still pass them.
RECONCILIATION_TESTS = frozenset(f"{table}_extract_rows_are_used_or_rejected" for table in EXTRACT_SCHEMAS)


def read_extracts(raw: Path) -> Extracts:
    return {table: pq.read_table(raw / f"{table}.parquet").to_pandas() for table in EXTRACT_SCHEMAS}


def write_extracts(extracts: Extracts, out: Path, file_format: str = "parquet") -> Path:
    """Parquet in the contract's types; CSV as text, so a cell can hold anything an export might."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for table, frame in extracts.items():
        if file_format == "parquet":
            rows = pa.Table.from_pandas(frame, schema=EXTRACT_SCHEMAS[table], preserve_index=False)
            pq.write_table(rows, out / f"{table}.parquet")
        else:
            frame.to_csv(out / f"{table}.csv", index=False)
    return out


def rejected(workdir: Path, defect: Quarantine) -> list[dict[str, object]]:
    """The rejected_rows rows (rule, extract rows) the build in workdir made of the defect's row, to compare with
    defect.rejected_rows."""
    key = "natural_key is null" if defect.natural_key is None else f"natural_key = '{defect.natural_key}'"
    return query(
        workdir,
        f"select rejection_rule, extract_rows from rejected_rows where source_table = '{defect.source_table}' "
        f"and {key} order by rejection_rule",
    ).to_dict("records")


def latest_preferences(workdir: Path, members: list[str]) -> list[dict[str, object]]:
    """int_contact_preferences_latest's rows (member, channel, opted_out) of these members, in order."""
    listed = ", ".join(f"'{member}'" for member in members)
    return query(
        workdir,
        "select member_id, channel, opted_out from main_intermediate.int_contact_preferences_latest "
        f"where member_id in ({listed}) order by member_id, channel",
    ).to_dict("records")


def unreadable_preferences(workdir: Path) -> list[tuple[str, str]]:
    """The (member, channel) pairs a rejected preference row may be an opt-out of (the unreadable model)."""
    rows = query(
        workdir,
        "select member_id, channel from main_intermediate.int_contact_preferences_unreadable order by all",
    )
    return list(rows.itertuples(index=False, name=None))


def status_of(workdir: Path, member_id: str) -> tuple[str, str | None, str | None]:
    row = query(
        workdir, f"select status, rejection_rule, rejected_in from member_status where member_id = '{member_id}'"
    ).iloc[0]
    return row["status"], row["rejection_rule"], row["rejected_in"]


def nodes_with_status(result: BuildResult, status: str) -> set[str]:
    return {row["unique_id"].split(".")[2] for row in result.run_results["results"] if row["status"] == status}


def quarantine_outcome(result: BuildResult) -> tuple[int, set[str], bool]:
    """What a build with bad rows shows: its exit code, the tests that warned, and whether every extract still
    reconciles (passes its RECONCILIATION_TESTS). Quarantining must give (0, {"no_extract_row_is_rejected"}, True)."""
    return (
        result.returncode,
        nodes_with_status(result, "warn"),
        nodes_with_status(result, "pass") >= RECONCILIATION_TESTS,
    )


@dataclass(frozen=True)
class BuildSlot:
    """One extract folder, warehouse and target, reused build after build: with the same vars dbt re-parses
    nothing, so a build that stops early stops in seconds."""

    workdir: Path

    @property
    def raw(self) -> Path:
        return self.workdir / "raw"

    def build(
        self,
        extracts: Extracts,
        mangle: Callable[[Path], None] | None = None,
        dbt_vars: dict | None = None,
        file_format: str = "parquet",
        dbt_arguments: tuple[str, ...] = (),
    ) -> BuildResult:
        write_extracts(extracts, self.raw, file_format)
        if mangle:
            mangle(self.raw)
        for leftover in self.workdir.glob("warehouse.duckdb*"):
            leftover.unlink()
        format_vars = {"raw_format": file_format} if file_format != "parquet" else {}
        return run_build(self.workdir, self.raw, {**format_vars, **(dbt_vars or {})}, dbt_arguments=dbt_arguments)

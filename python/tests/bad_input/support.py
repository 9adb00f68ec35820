"""Shared by the bad-input suite: extracts as DataFrames in and out of files, a reusable build folder, and
what a build made of a row or a member."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS

from tests.support import BuildResult, query, run_build

Extracts = dict[str, pd.DataFrame]
RECONCILED_TABLES = tuple(EXTRACT_SCHEMAS)


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


def rejected(workdir: Path, source_table: str, natural_key: str | None) -> pd.DataFrame:
    key = "natural_key is null" if natural_key is None else f"natural_key = '{natural_key}'"
    return query(
        workdir,
        f"select rejection_rule, extract_rows from rejected_rows where source_table = '{source_table}' and {key} "
        "order by rejection_rule",
    )


def status_of(workdir: Path, member_id: str) -> tuple[str, str | None, str | None]:
    row = query(
        workdir, f"select status, rejection_rule, rejected_in from member_status where member_id = '{member_id}'"
    ).iloc[0]
    return row["status"], row["rejection_rule"], row["rejected_in"]


def nodes_with_status(result: BuildResult, status: str) -> set[str]:
    return {row["unique_id"].split(".")[2] for row in result.run_results["results"] if row["status"] == status}


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

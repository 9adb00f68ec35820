"""The Dagster definitions: the dbt project as monthly-partitioned assets, a job, and its monthly schedule.

`dagster dev -m segmentation_tools.orchestration.definitions` loads `defs`, configured from the environment:
MEMBER_SEGMENTATION_EXTRACTS (folder with one <as-of date>/ folder of extracts per month; default data/refresh),
MEMBER_SEGMENTATION_FIRST_MONTH (first partition, YYYY-MM-01; default 2025-10-01) and DBT_DUCKDB_PATH (the
warehouse; profiles.yml). Each partition is one `dbt build` with as_of_date the month's last day and
raw_data_path that month's folder. One writer at a time: every run of the job carries the tag
member_segmentation/warehouse, which the instance's run queue limits to one run (docs/ORCHESTRATION.md), and the
dbt step runs in the pool member_segmentation_warehouse; a month whose predecessor is not built yet fails
before dbt starts.
"""

# No `from __future__ import annotations`: Dagster reads the asset function's context annotation at definition time.
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    Definitions,
    Failure,
    MonthlyPartitionsDefinition,
    build_schedule_from_partitioned_job,
    define_asset_job,
)
from dagster_dbt import DbtCliResource, dbt_assets

from segmentation_tools.orchestration.months import as_of_date_for, extracts_for, out_of_order_reason

PROJECT_DIR = Path(__file__).resolve().parents[4]
WRITER_TAG = "member_segmentation/warehouse"
WRITER_POOL = "member_segmentation_warehouse"
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")  # this environment's dbt, as make runs it


@dataclass(frozen=True)
class MonthlySettings:
    """Where the monthly extracts are, the first month to build, and the dbt project to build them with."""

    extracts_root: Path
    first_month: str = "2025-10-01"
    project_dir: Path = PROJECT_DIR

    @classmethod
    def from_environment(cls) -> "MonthlySettings":
        return cls(
            extracts_root=Path(os.environ.get("MEMBER_SEGMENTATION_EXTRACTS", "data/refresh")),
            first_month=os.environ.get("MEMBER_SEGMENTATION_FIRST_MONTH", "2025-10-01"),
        )


def built_as_of_dates(warehouse: Path) -> list:
    """The as-of dates segmentation_run_history holds (none for a new warehouse)."""
    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        found = connection.sql(
            "select table_name from information_schema.tables where table_name = 'segmentation_run_history'"
        ).fetchall()
        if not found:
            return []
        return [row[0] for row in connection.sql("select as_of_date from segmentation_run_history").fetchall()]


def manifest_of(project_dir: Path) -> Path:
    """target/manifest.json of the project (DBT_TARGET_PATH/manifest.json); dbt parse writes it when missing."""
    manifest = Path(os.environ.get("DBT_TARGET_PATH", project_dir / "target")) / "manifest.json"
    if not manifest.exists():
        subprocess.run([str(DBT_EXECUTABLE), "parse", "--quiet"], cwd=project_dir, check=True)
    return manifest


def monthly_definitions(settings: MonthlySettings) -> Definitions:
    partitions = MonthlyPartitionsDefinition(start_date=settings.first_month)
    dbt = DbtCliResource(
        project_dir=str(settings.project_dir),
        profiles_dir=str(settings.project_dir),
        dbt_executable=str(DBT_EXECUTABLE),
    )

    @dbt_assets(
        manifest=manifest_of(settings.project_dir),
        partitions_def=partitions,
        backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
        pool=WRITER_POOL,
    )
    def member_segmentation(context: AssetExecutionContext, dbt: DbtCliResource):
        """One monthly build of the dbt project: as_of_date is the partition's last day."""
        as_of = as_of_date_for(context.partition_key)
        warehouse = Path(os.environ.get("DBT_DUCKDB_PATH", "warehouse/member_segmentation.duckdb"))
        reason = out_of_order_reason(built_as_of_dates(warehouse), as_of)
        if reason:
            raise Failure(f"Not building {as_of} into {warehouse}: {reason}.")
        dbt_vars = {"raw_data_path": str(extracts_for(settings.extracts_root, as_of)), "as_of_date": as_of.isoformat()}
        context.log.info(f"dbt build as of {as_of} into {warehouse}")
        yield from dbt.cli(["build", "--vars", json.dumps(dbt_vars)], context=context).stream()

    # The job's partitions are the assets' (monthly).
    monthly_job = define_asset_job("monthly_segmentation", selection=[member_segmentation], tags={WRITER_TAG: "writer"})
    # Each month's partition is built on the 5th of the next month at 06:00, once its extracts have arrived.
    schedule = build_schedule_from_partitioned_job(monthly_job, day_of_month=5, hour_of_day=6)
    return Definitions(assets=[member_segmentation], jobs=[monthly_job], schedules=[schedule], resources={"dbt": dbt})


defs = monthly_definitions(MonthlySettings.from_environment())

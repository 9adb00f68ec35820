"""The Dagster recipe (make test-orchestration; needs requirements/orchestration.txt): two monthly partitions of
demo snapshots materialized in order into one warehouse, in process; months out of order are refused."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from dagster import DagsterInstance, materialize
from segmentation_tools.bench.harness import dbt_environment, warehouse_path
from segmentation_tools.demo_data.generate import generate_snapshots, monthly_as_of_dates
from segmentation_tools.orchestration.months import as_of_date_for, extracts_for, out_of_order_reason

from tests.support import query

MEMBERS = 2_000


def test_a_monthly_partition_is_built_as_of_its_last_day():
    assert as_of_date_for("2025-11-01") == dt.date(2025, 11, 30)
    assert as_of_date_for("2024-02-01") == dt.date(2024, 2, 29)
    assert extracts_for("data/refresh", dt.date(2025, 11, 30)).as_posix() == "data/refresh/2025-11-30"


def test_a_month_whose_predecessor_is_not_built_is_refused():
    october, november, december = dt.date(2025, 10, 31), dt.date(2025, 11, 30), dt.date(2025, 12, 31)
    assert out_of_order_reason([], december) is None  # a new warehouse starts anywhere
    assert out_of_order_reason([october], november) is None
    assert out_of_order_reason([october, november], november) is None  # a rebuild
    assert out_of_order_reason([november, december], october) is None  # before every run held
    reason = out_of_order_reason([october], december)
    assert reason is not None
    assert "2025-11-01 first" in reason


@pytest.mark.end_to_end
def test_two_monthly_partitions_materialize_in_order_into_one_warehouse(tmp_path, monkeypatch):
    snapshots = tmp_path / "extracts"
    generate_snapshots(MEMBERS, snapshots, monthly_as_of_dates(dt.date(2025, 12, 31), 2), seed=42)
    workdir = tmp_path / "dagster"
    for name, value in dbt_environment(workdir).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MEMBER_SEGMENTATION_EXTRACTS", str(snapshots))
    monkeypatch.setenv("MEMBER_SEGMENTATION_FIRST_MONTH", "2025-11-01")
    definitions = importlib.import_module("segmentation_tools.orchestration.definitions")
    defs = definitions.monthly_definitions(definitions.MonthlySettings.from_environment())
    assets = list(defs.assets)
    resources = dict(defs.resources)

    with DagsterInstance.ephemeral() as instance:
        november = materialize(assets, partition_key="2025-11-01", resources=resources, instance=instance)
        assert november.success
        january = materialize(
            assets, partition_key="2026-01-01", resources=resources, instance=instance, raise_on_error=False
        )
        assert not january.success
        [failure] = [event for event in january.all_events if event.is_step_failure]
        assert (
            "materialize the monthly partitions in order, 2025-12-01 first" in failure.step_failure_data.error.message
        )
        december = materialize(assets, partition_key="2025-12-01", resources=resources, instance=instance)
        assert december.success

    runs = query(workdir, "select as_of_date, extracts_origin from segmentation_run_history order by as_of_date")
    assert list(runs["as_of_date"].dt.date) == [dt.date(2025, 11, 30), dt.date(2025, 12, 31)]
    builds = query(
        workdir, "select as_of_date, count(distinct invocation_id) as builds from build_results_history group by all"
    )
    assert dict(zip(builds["as_of_date"].dt.date, builds["builds"], strict=True)) == {
        dt.date(2025, 11, 30): 1,
        dt.date(2025, 12, 31): 1,
    }
    assert warehouse_path(workdir).exists()

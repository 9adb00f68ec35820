"""Running the build every month: demo and real runs never share a warehouse, each build's extracts are checked
against the previous run's, and every build's node outcomes are kept in build_results_history.

Three monthly demo snapshots of one plan are built in order into one warehouse; variants of the last snapshot
(half of a month's email events gone, 30% of the members gone) are built on copies of the warehouse as it was
after the second month, selecting the extract checks' lineage only.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from segmentation_tools.bench.harness import warehouse_path
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS
from segmentation_tools.demo_data.generate import generate_snapshots, monthly_as_of_dates
from segmentation_tools.demo_data.marker import MARKER_NAME
from segmentation_tools.report.__main__ import main as render_report

from tests.support import AS_OF, REPO_ROOT, dbt_build, dbt_output, query, run_build, run_dbt

pytestmark = pytest.mark.end_to_end

MEMBERS = 2_000
AS_OF_DATES = monthly_as_of_dates(AS_OF, 3)
# The extract checks and what they read; tests that also read other models (the reconciliations) are left out.
CHECKS_LINEAGE = ["build", "--select", "+extract_checks", "--indirect-selection", "cautious"]


@dataclass(frozen=True)
class MonthlyRuns:
    snapshots: Path  # one folder per as-of date
    workdir: Path  # the three months built in order
    after_two_months: Path  # a copy of the warehouse after the first two
    run_results: list[dict]  # of the three builds, in order

    def snapshot(self, as_of: dt.date) -> Path:
        return self.snapshots / as_of.isoformat()


def build_month(workdir: Path, snapshots: Path, as_of: dt.date) -> dict:
    return dbt_build(workdir, snapshots / as_of.isoformat(), {"as_of_date": as_of.isoformat()})


def workdir_from(warehouse: Path, workdir: Path) -> Path:
    """A workdir whose warehouse starts as a copy of the given one."""
    workdir.mkdir(parents=True)
    shutil.copy2(warehouse, warehouse_path(workdir))
    return workdir


def variant_of_last_snapshot(runs: MonthlyRuns, out: Path) -> Path:
    shutil.copytree(runs.snapshot(AS_OF_DATES[-1]), out)
    return out


@pytest.fixture(scope="module")
def monthly_runs(tmp_path_factory) -> MonthlyRuns:
    snapshots = tmp_path_factory.mktemp("snapshots")
    generate_snapshots(MEMBERS, snapshots, AS_OF_DATES, seed=42)
    workdir = tmp_path_factory.mktemp("monthly")
    results = [build_month(workdir, snapshots, as_of) for as_of in AS_OF_DATES[:2]]
    after_two_months = tmp_path_factory.mktemp("after_two_months") / "warehouse.duckdb"
    shutil.copy2(warehouse_path(workdir), after_two_months)
    results.append(build_month(workdir, snapshots, AS_OF_DATES[2]))
    return MonthlyRuns(snapshots, workdir, after_two_months, results)


def warnings_of(workdir: Path, as_of: dt.date) -> list[tuple[str, str, str | None]]:
    found = query(
        workdir,
        f"select check_name, extract_name, cast(event_month as varchar) as event_month from extract_checks "
        f"where as_of_date = date '{as_of}' and warns order by all",
    )
    return [(row.check_name, row.extract_name, row.event_month) for row in found.itertuples()]


def test_the_first_run_says_there_is_nothing_to_compare_with(monthly_runs):
    first = query(monthly_runs.workdir, f"select * from extract_checks where as_of_date = date '{AS_OF_DATES[0]}'")
    row_checks = first[first["check_name"] != "days_stale"]
    assert set(row_checks["check_name"]) == {"extract_rows"}
    assert len(row_checks) == len(EXTRACT_SCHEMAS)  # one per extract
    assert row_checks["previous_value"].isna().all()
    assert not row_checks["warns"].any()
    assert row_checks["finding"].str.endswith("no previous run in this warehouse, nothing to compare with").all()


def test_an_unchanged_month_stays_quiet(monthly_runs):
    assert warnings_of(monthly_runs.workdir, AS_OF_DATES[2]) == []
    checks = query(
        monthly_runs.workdir,
        f"select check_name, count(*) as checks from extract_checks where as_of_date = date '{AS_OF_DATES[2]}' "
        "group by check_name",
    ).set_index("check_name")["checks"]
    # 11 whole months of 4 event extracts compared, every extract, new and vanished ids, 4 freshness checks
    assert checks.to_dict() == {
        "month_rows": 44,
        "extract_rows": len(EXTRACT_SCHEMAS),
        "new_member_ids": 1,
        "vanished_member_ids": 1,
        "days_stale": 4,
    }
    last = monthly_runs.run_results[2]["results"]
    [check_test] = [
        result for result in last if result["unique_id"].split(".")[2] == "extract_checks_within_thresholds"
    ]
    assert check_test["status"] == "pass"


def test_half_of_a_months_email_events_gone_warns_naming_extract_month_and_size(monthly_runs, tmp_path):
    raw = variant_of_last_snapshot(monthly_runs, tmp_path / "half_november_emails")
    emails = pq.read_table(raw / "email_events.parquet")
    month = pc.strftime(emails["event_at"], format="%Y-%m")
    in_november = pc.equal(month, "2025-11").to_numpy(zero_copy_only=False)
    positions = in_november.nonzero()[0]
    dropped = set(positions[::2].tolist())  # every other November row
    kept = [position not in dropped for position in range(emails.num_rows)]
    pq.write_table(emails.filter(kept), raw / "email_events.parquet")
    workdir = workdir_from(monthly_runs.after_two_months, tmp_path / "workdir")

    run_dbt(workdir, CHECKS_LINEAGE, {"raw_data_path": str(raw), "as_of_date": AS_OF_DATES[2].isoformat()})

    assert warnings_of(workdir, AS_OF_DATES[2]) == [("month_rows", "email_events", "2025-11-01")]
    before, after = len(positions), len(positions) - len(dropped)
    change = round((after - before) / before * 100, 1)
    assert change == pytest.approx(-50, abs=0.1)
    finding = f"email_events, event month 2025-11: {after} rows against {before} as of 2025-11-30 ({change}%"
    assert finding in dbt_output(workdir)
    warned = query(
        workdir,
        "select node_name, failures from build_results_history where status = 'warn' "
        f"and as_of_date = date '{AS_OF_DATES[2]}'",
    )
    assert warned.to_dict("records") == [{"node_name": "extract_checks_within_thresholds", "failures": 1}]
    # ... and the segment report lists it among the last builds' warnings
    render_report(["--database", str(warehouse_path(workdir)), "--out", str(tmp_path / "report.html")])
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    warnings_table = page[page.index('id="build_warnings"') :]
    assert "extract_checks_within_thresholds" in warnings_table
    assert "Got 1 result, configured to warn if != 0" in warnings_table


def test_thirty_percent_of_the_members_gone_warns_naming_the_extract_and_size(monthly_runs, tmp_path):
    raw = variant_of_last_snapshot(monthly_runs, tmp_path / "members_gone")
    members = pq.read_table(raw / "members.parquet")
    gone = int(members.num_rows * 0.3)
    pq.write_table(members.slice(gone), raw / "members.parquet")
    workdir = workdir_from(monthly_runs.after_two_months, tmp_path / "workdir")

    run_dbt(workdir, CHECKS_LINEAGE, {"raw_data_path": str(raw), "as_of_date": AS_OF_DATES[2].isoformat()})

    assert warnings_of(workdir, AS_OF_DATES[2]) == [
        ("extract_rows", "members", None),
        ("vanished_member_ids", "members", None),
    ]
    output = dbt_output(workdir)
    total = members.num_rows
    assert f"members: {total - gone} rows against {total} as of 2025-11-30 (-30.0%" in output
    assert f"members: {gone} member ids vanished since 2025-11-30 (30.0% of {total}" in output


def test_results_history_holds_one_row_per_node_per_build(monthly_runs):
    history = query(
        monthly_runs.workdir,
        "select invocation_id, as_of_date, unique_id, status from build_results_history order by run_started_at",
    )
    builds = list(dict.fromkeys(history["invocation_id"]))
    assert len(builds) == 3
    for invocation, as_of, run_results in zip(builds, AS_OF_DATES, monthly_runs.run_results, strict=True):
        rows = history[history["invocation_id"] == invocation]
        assert set(rows["as_of_date"].dt.date) == {as_of}
        expected = {  # dbt's run_results also lists the hooks, which are not nodes of the project
            result["unique_id"]: result["status"]
            for result in run_results["results"]
            if not result["unique_id"].startswith("operation.")
        }
        assert dict(zip(rows["unique_id"], rows["status"], strict=True)) == expected
        assert len(rows) == len(expected)


def without_marker(snapshot: Path, out: Path) -> Path:
    """The same extracts as a health plan's own: no demo_plan.json."""
    shutil.copytree(snapshot, out)
    (out / MARKER_NAME).unlink()
    return out


def test_a_plans_extracts_cannot_join_a_demo_warehouse(monthly_runs, tmp_path):
    plan = without_marker(monthly_runs.snapshot(AS_OF_DATES[2]), tmp_path / "plan")
    workdir = workdir_from(monthly_runs.after_two_months, tmp_path / "workdir")

    result = run_build(workdir, plan, {"as_of_date": AS_OF_DATES[2].isoformat()})

    assert result.returncode != 0
    assert "holds demo runs (as-of dates 2025-10-31, 2025-11-30)" in result.output
    assert f"the extracts in {plan} are a plan's (no demo_plan.json)" in result.output
    runs = query(workdir, "select as_of_date, extracts_origin from segmentation_run_history")
    assert sorted(runs["as_of_date"].dt.date) == AS_OF_DATES[:2]
    assert set(runs["extracts_origin"]) == {"demo"}


def test_demo_extracts_cannot_join_a_plans_warehouse(monthly_runs, tmp_path):
    plan = without_marker(monthly_runs.snapshot(AS_OF_DATES[0]), tmp_path / "plan")
    workdir = tmp_path / "plan_warehouse"
    dbt_build(workdir, plan, {"as_of_date": AS_OF_DATES[0].isoformat()})
    assert set(query(workdir, "select extracts_origin from segmentation_run_history")["extracts_origin"]) == {"plan"}

    result = run_build(workdir, monthly_runs.snapshot(AS_OF_DATES[1]), {"as_of_date": AS_OF_DATES[1].isoformat()})

    assert result.returncode != 0
    assert "holds plan runs (as-of dates 2025-10-31)" in result.output
    assert "are demo data (demo_plan.json)" in result.output
    assert len(query(workdir, "select * from segmentation_run_history")) == 1


def make_dry_run(*arguments: str) -> str:
    completed = subprocess.run(
        ["make", "-n", *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    return completed.stdout


def test_make_writes_demo_and_plan_builds_to_different_warehouses():
    assert "DBT_DUCKDB_PATH=warehouse/demo.duckdb" in make_dry_run("build")
    plan_build = make_dry_run("dbt-build", "RAW_DATA_PATH=/extracts/2026-01")
    assert "DBT_DUCKDB_PATH=warehouse/member_segmentation.duckdb" in plan_build

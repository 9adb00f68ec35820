"""Faults around a build: a second build while one writes the warehouse, a build killed mid-run, a repeated
build of the same extracts."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.support import REPO_ROOT, build_command, query, run_build

pytestmark = pytest.mark.end_to_end


def wait_for_line(log: Path, fragment: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while fragment not in log.read_text():
        assert process.poll() is None, f"the build ended before printing {fragment!r}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no {fragment!r} after {timeout}s"
        time.sleep(0.05)


def start_build(workdir: Path, raw: Path, log: Path, dbt_vars: dict | None = None) -> subprocess.Popen:
    """A build in the background, in its own process group so that it can be killed with dbt."""
    command, env = build_command(workdir, raw, dbt_vars)
    with log.open("w") as output:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def kill_process_group(process: subprocess.Popen, timeout: float = 30) -> None:
    """kill -9 the build and dbt under it, and wait until none of them is left holding the warehouse."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes of group {process.pid} still alive {timeout}s after kill -9")


def assignments(workdir: Path) -> str:
    """Every member's segment, persona and distance, as text: equal text is byte-identical output."""
    return query(workdir, "select * from member_outreach order by member_id").to_csv(index=False)


@pytest.fixture(scope="module")
def second_build(small_build, small_extracts, tmp_path_factory) -> dict:
    """The small plan built again on the same warehouse, with a third build started while it runs."""
    workdir, _ = small_build
    tmp_path = tmp_path_factory.mktemp("second_build")
    before = assignments(workdir)
    log = tmp_path / "rebuild.log"
    rebuild = start_build(workdir, small_extracts, log)
    wait_for_line(log, "START", rebuild)
    intruder_workdir = tmp_path / "intruder"
    shutil.copytree(workdir / "target", intruder_workdir / "target")
    intruder = run_build(
        intruder_workdir,
        small_extracts,
        env={"DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"), "DBT_TARGET_PATH": str(intruder_workdir / "target")},
    )
    return {"before": before, "rebuild_code": rebuild.wait(), "after": assignments(workdir), "intruder": intruder}


def test_a_build_started_while_another_writes_the_warehouse_stops_with_a_readable_message(second_build):
    intruder = second_build["intruder"]

    assert intruder.returncode == 75
    assert re.search(
        r"warehouse\.duckdb is being written by another dbt build \(pid \d+\); wait for it to finish, then run the "
        r"build again\.",
        intruder.output,
    )
    assert "Traceback" not in intruder.output
    assert second_build["rebuild_code"] == 0


def test_rebuilding_the_same_extracts_gives_byte_identical_assignments(second_build):
    assert second_build["after"] == second_build["before"]


def test_a_build_killed_mid_run_leaves_the_previous_marts_intact_and_readable(small_build, small_extracts, tmp_path):
    workdir, _ = small_build
    killed_workdir = tmp_path / "killed"
    killed_workdir.mkdir()
    shutil.copy(workdir / "warehouse.duckdb", killed_workdir / "warehouse.duckdb")
    previous_assignments = assignments(killed_workdir)
    previous_profiles = query(killed_workdir, "select * from segment_profiles order by segment_id")
    log = tmp_path / "killed.log"

    build = start_build(killed_workdir, small_extracts, log, {"as_of_date": "2025-11-30"})
    wait_for_line(log, "START python table model main.segment_centroids", build)
    kill_process_group(build)

    assert build.returncode == -signal.SIGKILL
    assert assignments(killed_workdir) == previous_assignments
    pd.testing.assert_frame_equal(
        query(killed_workdir, "select * from segment_profiles order by segment_id"), previous_profiles
    )
    assert len(query(killed_workdir, "select distinct as_of_date from member_features")) == 1

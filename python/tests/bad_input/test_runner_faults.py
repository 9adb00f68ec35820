"""Faults build_runner meets around dbt end in one line saying what happened and what to do, never a traceback:
an interrupt (passed on to dbt, which the runner waits for), a warehouse path dbt cannot open, a full disk, the
warehouse held by a read-only reader."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from tests.bad_input.test_faults import start_build, wait_for_line
from tests.support import run_build

pytestmark = pytest.mark.end_to_end


@pytest.mark.parametrize(("signal_number", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")])
def test_an_interrupted_runner_stops_dbt_and_waits_for_it(small_build, small_extracts, tmp_path, signal_number, name):
    workdir, _ = small_build
    shutil.copy(workdir / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    log = tmp_path / "build.log"
    build = start_build(tmp_path, small_extracts, log, {"as_of_date": "2025-11-30"})
    wait_for_line(log, "START sql table model", build)

    os.kill(build.pid, signal_number)  # the runner only, as `kill` or a service manager would
    return_code = build.wait(timeout=120)

    output = log.read_text()
    assert return_code == 128 + signal_number
    assert output.rstrip().splitlines()[-1] == (
        f"Build interrupted ({name}); dbt stopped. Each table is either the previous run's or this run's, never half "
        "written: run the build again to bring every table to this run."
    )
    assert "Traceback" not in output
    # dbt has let go of the warehouse: a writer can open it at once.
    duckdb.connect(str(tmp_path / "warehouse.duckdb")).close()


@pytest.fixture
def small_tmpfs(tmp_path):
    """A mount of its own, to make a read-only or a full file system: needs root (CAP_SYS_ADMIN)."""
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], check=False).returncode:
            pytest.skip("mounting a tmpfs needs root")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=True)


def missing_folder(workdir: Path, _tmpfs: Callable[[str, str], Path]) -> Path:
    return workdir / "no_such_folder" / "warehouse.duckdb"


def not_a_database(workdir: Path, _tmpfs: Callable[[str, str], Path]) -> Path:
    notes = workdir / "notes.duckdb"
    notes.write_text("member_id,notes\n")
    return notes


def in_a_read_only_folder(_workdir: Path, tmpfs: Callable[[str, str], Path]) -> Path:
    return tmpfs("read_only", "ro,size=1m") / "warehouse.duckdb"


@pytest.mark.parametrize(
    ("warehouse_at", "message"),
    [
        (
            missing_folder,
            "The warehouse folder {folder} does not exist: create it (mkdir -m 700 {folder}) or set DBT_DUCKDB_PATH "
            "to a file in an existing folder, then run the build again.",
        ),
        (
            not_a_database,
            "{warehouse} is not a DuckDB database: set DBT_DUCKDB_PATH to the warehouse file, or move {warehouse} "
            "away so that the build creates a new warehouse there, then run the build again.",
        ),
        (
            in_a_read_only_folder,
            "The warehouse {warehouse} cannot be written (Read-only file system): make {folder} writable for you "
            "(chmod 700), or set DBT_DUCKDB_PATH to a file in a writable folder, then run the build again.",
        ),
    ],
    ids=["missing_folder", "not_a_database", "read_only_folder"],
)
def test_a_warehouse_path_dbt_cannot_open_is_one_line(slot, small_extracts, small_tmpfs, warehouse_at, message):
    warehouse = warehouse_at(slot.workdir, small_tmpfs)

    result = run_build(slot.workdir, small_extracts, env={"DBT_DUCKDB_PATH": str(warehouse)})

    assert result.returncode == 73
    assert result.output.rstrip().splitlines()[-1] == message.format(warehouse=warehouse, folder=warehouse.parent)
    assert "Traceback" not in result.output


def test_a_full_disk_is_one_line(slot, small_extracts, small_tmpfs):
    folder = small_tmpfs("full", "size=400k")

    result = run_build(slot.workdir, small_extracts, env={"DBT_DUCKDB_PATH": str(folder / "warehouse.duckdb")})

    assert result.returncode == 74
    last_line = result.output.rstrip().splitlines()[-1]
    assert last_line.startswith(f"The disk is full (No space left on device while writing {folder}/warehouse.duckdb")
    assert last_line.endswith(
        "then run the build again. Tables the build had not replaced keep the previous run's rows."
    )


def test_a_read_only_reader_is_told_to_close_its_connection(small_build, small_extracts, tmp_path):
    workdir, _ = small_build
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(workdir / "warehouse.duckdb", warehouse)

    with duckdb.connect(str(warehouse), read_only=True):
        result = run_build(tmp_path, small_extracts)

    assert result.returncode == 75
    assert result.output.rstrip().splitlines()[-1] == (
        f"{warehouse} is locked by another process (pid {os.getpid()}): an open connection to the warehouse, "
        "read-only ones too, keeps a build from writing it; close it, then run the build again (read a copy of the "
        "warehouse instead, docs/RESULTS.md)."
    )

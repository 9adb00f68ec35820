from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
from segmentation_tools.build_runner import LockConflict, failure_reason, failure_summary, lock_conflict, lock_message
from segmentation_tools.build_runner.faults import (
    CANNOT_CREATE_EXIT_CODE,
    IO_ERROR_EXIT_CODE,
    Fault,
    interrupt_fault,
    recognised_fault,
    redact_file,
    redacted,
)
from segmentation_tools.build_runner.signals import ForwardedSignals

DUCKDB_LOCK_ERROR = (
    'IO Error: Could not set lock on file "/srv/warehouse/member_segmentation.duckdb": Conflicting lock is held in '
    "/usr/bin/python3.11 (PID 4242). See also https://duckdb.org/docs/current/connect/concurrency"
)
PYTHON_MODEL_FAILURE = """Python model failed:
Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/dbt/adapters/duckdb/environments/__init__.py", line 286, in run_python_job
    df = module.model(dbt, con)
  File "/work/member_segmentation/personas.py", line 65, in match_clusters_to_personas
    raise PersonaConfigError(
member_segmentation.personas.PersonaConfigError: var n_segments is 6 but seed personas defines only 4 personas.
"""


def test_duckdbs_lock_error_names_the_file_and_the_holding_process():
    assert lock_conflict(DUCKDB_LOCK_ERROR) == LockConflict(Path("/srv/warehouse/member_segmentation.duckdb"), 4242)
    assert lock_conflict("12:00:01  1 of 151 START sql view model main.stg_plan_extracts__members") is None


def test_lock_message_tells_a_second_build_to_wait_for_the_first():
    conflict = LockConflict(Path("warehouse/member_segmentation.duckdb"), 4242)

    assert lock_message(conflict, "python3.11 /venv/bin/dbt build --vars {}") == (
        "warehouse/member_segmentation.duckdb is being written by another dbt build (pid 4242); "
        "wait for it to finish, then run the build again."
    )
    assert "locked by another process (pid 4242)" in lock_message(conflict, "python3.11 notebook.py")
    assert "locked by another process (pid 4242)" in lock_message(conflict, None)


def test_a_python_models_reason_is_the_last_line_of_its_traceback():
    assert failure_reason(PYTHON_MODEL_FAILURE) == "var n_segments is 6 but seed personas defines only 4 personas."


def test_other_failures_keep_dbts_first_line():
    assert failure_reason("Got 3 results, configured to fail if != 0\n  compiled code at x.sql") == (
        "Got 3 results, configured to fail if != 0"
    )


def test_summary_lists_only_failed_nodes():
    run_results = {
        "results": [
            {"unique_id": "model.member_segmentation.member_features", "status": "success", "message": "OK"},
            {
                "unique_id": "model.member_segmentation.segment_centroids",
                "status": "error",
                "message": PYTHON_MODEL_FAILURE,
            },
            {"unique_id": "test.member_segmentation.not_null_x.abc", "status": "fail", "message": "Got 3 results"},
            {"unique_id": "test.member_segmentation.no_extract_row_is_rejected", "status": "warn", "message": "Got 1"},
            {
                "unique_id": "unit_test.member_segmentation.member_features.age_edge",
                "status": "fail",
                "message": "diff",
            },
        ]
    }

    assert failure_summary(run_results) == [
        "segment_centroids: var n_segments is 6 but seed personas defines only 4 personas.",
        "not_null_x: Got 3 results",
        "age_edge: diff",
    ]


def test_a_failed_assertions_test_lists_its_broken_assertions_from_the_warehouse(tmp_path):
    warehouse = tmp_path / "member_segmentation.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.sql("create table member_features as select * from (values (1, 34), (2, -1), (3, 130)) t(id, age)")
    # The shape the assertions generic test compiles to (macros/generic_tests/assertions.sql).
    compiled = """
        with row_failure_counts as (
            select count(case when age < 0 or age > 120 then 1 end) as failing_rows_1,
                count(case when id is null then 1 end) as failing_rows_2
            from member_segmentation.main.member_features
        ),
        assertion_results as (
            select 'accepted_range(age, min_value=0, max_value=120)' as assertion, failing_rows_1 as failing_rows
            from row_failure_counts
            union all
            select 'not_null(id)' as assertion, failing_rows_2 as failing_rows from row_failure_counts
        )
        select * from assertion_results where failing_rows > 0
    """
    run_results = {
        "results": [
            {
                "unique_id": "test.member_segmentation.member_features_assertions.1a2b",
                "status": "fail",
                "message": "Got 1 result, configured to fail if != 0",
                "compiled_code": compiled,
            },
            {"unique_id": "test.member_segmentation.not_null_x.abc", "status": "fail", "message": "Got 3 results"},
        ]
    }

    assert failure_summary(run_results, warehouse) == [
        "member_features_assertions: Got 1 result, configured to fail if != 0",
        "  accepted_range(age, min_value=0, max_value=120): 2 rows",
        "not_null_x: Got 3 results",
    ]
    # Without a readable warehouse the summary still names the test.
    assert failure_summary(run_results, tmp_path / "missing.duckdb")[:2] == [
        "member_features_assertions: Got 1 result, configured to fail if != 0",
        "not_null_x: Got 3 results",
    ]


# DuckDB's own messages, as dbt printed them in builds on a missing folder, a read-only mount, a file that is not a
# database, a full tmpfs, and a CSV line that is not UTF-8.
WAREHOUSE = Path("/srv/warehouse/member_segmentation.duckdb")
MISSING_FOLDER = 'IO Error: Cannot open file "/srv/nope/member_segmentation.duckdb": No such file or directory'
READ_ONLY = 'IO Error: Cannot open file "/mnt/ro/member_segmentation.duckdb": Read-only file system'
NOT_A_DATABASE = 'IO Error: The file "/srv/notes.txt" exists, but it is not a valid DuckDB database file!'
DISK_FULL = (
    'TransactionContext Error: Failed to commit: Could not write file "/mnt/small/x.duckdb.wal": No space left on '
    "device"
)
CSV_ERROR = """Runtime Error in model stg_plan_extracts__members (models/staging/plan_extracts/stg.sql)
  Invalid Input Error: CSV Error on Line: 101
  Original Line: "M000000099",1985-02-04,"M","GA","13135","en"
  Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.
"""


def test_a_missing_warehouse_folder_is_one_line_saying_to_create_it():
    fault = recognised_fault(MISSING_FOLDER, Path("/srv/nope/member_segmentation.duckdb"))

    assert fault == Fault(
        "The warehouse folder /srv/nope does not exist: create it (mkdir -m 700 /srv/nope) or set DBT_DUCKDB_PATH to "
        "a file in an existing folder, then run the build again.",
        CANNOT_CREATE_EXIT_CODE,
    )


def test_an_unwritable_warehouse_folder_is_one_line_saying_to_make_it_writable():
    assert recognised_fault(READ_ONLY, Path("/mnt/ro/member_segmentation.duckdb")) == Fault(
        "The warehouse /mnt/ro/member_segmentation.duckdb cannot be written (Read-only file system): make /mnt/ro "
        "writable for you (chmod 700), or set DBT_DUCKDB_PATH to a file in a writable folder, then run the build "
        "again.",
        CANNOT_CREATE_EXIT_CODE,
    )


def test_a_file_that_is_not_a_database_is_one_line_saying_to_move_it_away():
    assert recognised_fault(NOT_A_DATABASE, Path("/srv/notes.txt")) == Fault(
        "/srv/notes.txt is not a DuckDB database: set DBT_DUCKDB_PATH to the warehouse file, or move /srv/notes.txt "
        "away so that the build creates a new warehouse there, then run the build again.",
        CANNOT_CREATE_EXIT_CODE,
    )


def test_a_full_disk_is_one_line_naming_the_file_and_what_to_free():
    fault = recognised_fault(DISK_FULL, WAREHOUSE)

    assert fault is not None
    assert fault.exit_code == IO_ERROR_EXIT_CODE
    assert fault.message.startswith(
        "The disk is full (No space left on device while writing /mnt/small/x.duckdb.wal): free space on the disk "
        "of the warehouse"
    )
    assert (
        recognised_fault("12:00:01  1 of 151 START sql view model main.stg_plan_extracts__members", WAREHOUSE) is None
    )


def test_an_extract_that_cannot_be_opened_is_not_a_warehouse_fault():
    unreadable_extract = 'IO Error: Cannot open file "/data/raw/members.parquet": Permission denied'

    assert recognised_fault(unreadable_extract, WAREHOUSE) is None
    assert recognised_fault(unreadable_extract, Path("/data/raw/members.parquet")) is not None


def test_an_interrupt_says_which_signal_and_to_build_again():
    fault = interrupt_fault(signal.SIGTERM)

    assert fault.exit_code == 143
    assert fault.message.startswith("Build interrupted (SIGTERM); dbt stopped.")
    assert fault.message.endswith("run the build again to bring every table to this run.")


def test_a_node_error_is_summarised_by_its_reason_not_dbts_header():
    assert (
        failure_reason(
            "Runtime Error in model int_x (models/intermediate/int_x.sql)\n  " + DISK_FULL + "\n  compiled code at x"
        )
        == DISK_FULL
    )


def test_extract_lines_quoted_by_duckdb_are_redacted():
    assert redacted(CSV_ERROR).splitlines() == [
        "Runtime Error in model stg_plan_extracts__members (models/staging/plan_extracts/stg.sql)",
        "  Invalid Input Error: CSV Error on Line: 101",
        "  Original Line: (not shown: extract lines hold PHI)",
        "  Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.",
    ]


def test_dbts_log_and_run_results_are_rewritten_without_extract_lines(tmp_path):
    log = tmp_path / "dbt.log"
    log.write_text("15:02:56  Encountered an error:\n" + CSV_ERROR, encoding="utf-8")
    run_results = tmp_path / "run_results.json"
    run_results.write_text(json.dumps({"results": [{"unique_id": "model.p.stg", "message": CSV_ERROR}]}))

    redact_file(log)
    redact_file(run_results)

    assert "M000000099" not in log.read_text()
    assert "Original Line: (not shown" in log.read_text()
    assert json.loads(run_results.read_text())["results"][0]["message"] == redacted(CSV_ERROR)


def test_a_signal_to_the_runner_goes_to_its_child_and_is_remembered():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with ForwardedSignals() as forwarded:
            forwarded.to(child)
            os.kill(os.getpid(), signal.SIGTERM)
            return_code = child.wait(timeout=10)
    finally:
        child.kill()

    assert forwarded.received == signal.SIGTERM
    assert return_code == -signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_read_only_reader_is_told_to_close_its_connection():
    conflict = LockConflict(Path("warehouse/member_segmentation.duckdb"), 4242)

    assert lock_message(conflict, "python3.11 notebook.py") == (
        "warehouse/member_segmentation.duckdb is locked by another process (pid 4242): an open connection to the "
        "warehouse, read-only ones too, keeps a build from writing it; close it, then run the build again (read a "
        "copy of the warehouse instead, docs/RESULTS.md)."
    )

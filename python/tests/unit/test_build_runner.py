from __future__ import annotations

from pathlib import Path

from segmentation_tools.build_runner import LockConflict, failure_reason, failure_summary, lock_conflict, lock_message

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

"""Run ``dbt build`` and, when it fails, say why in a line a person reads.

Three failures come out of dbt buried in tracebacks or long messages. A var whose value is not of its kind stops
the build before any model (macros/check_vars.sql); the runner ends with that var's one-line message. A second
build on the same DuckDB file stops with a lock error and a long traceback; the runner replaces it with one
sentence naming the process to wait for. A dbt
Python model's error is the last line of a traceback; the runner ends a failed build with one line per failed
node, carrying that reason; a failed `assertions` test (macros/generic_tests/assertions.sql) adds the assertions it
found broken, read back from the warehouse with the test's own query. Everything else dbt prints passes through
unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# EX_TEMPFAIL: nothing is wrong with the build itself; run it again once the other process is done.
LOCK_EXIT_CODE = 75
LOCK_ERROR = re.compile(
    r'Could not set lock on file "(?P<path>[^"]+)": Conflicting lock is held in .*\(PID (?P<pid>\d+)\)'
)
# dbt's first line of a node's error only names the node ("Runtime Error in model x (models/x.sql)"); the reason
# is the line after it.
DBT_ERROR_HEADER = re.compile(r"^\w+ Error in \w+ \S+ \(.*\)$")
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
# The result table of the assertions generic test, as its compiled query names it.
ASSERTIONS_RESULT = "assertion_results as ("
# One line of check_vars' message: "var <name> is <value>; expected <what>." (alone, or as an item of a list).
VAR_PROBLEM = re.compile(r"^\s*(?:- )?(?P<problem>var [\w.]+ is .*; expected .*\.)\s*$")


@dataclass(frozen=True)
class LockConflict:
    """Another process holds the warehouse file."""

    path: Path
    pid: int


def lock_conflict(line: str) -> LockConflict | None:
    """The conflict DuckDB reports in this line of dbt's output, if it is one."""
    match = LOCK_ERROR.search(line)
    return LockConflict(Path(match["path"]), int(match["pid"])) if match else None


def var_problem(line: str) -> str | None:
    """The invalid-var message in this line of dbt's output, if it is one."""
    match = VAR_PROBLEM.match(line)
    return match["problem"] if match else None


def lock_message(conflict: LockConflict, holder_command: str | None) -> str:
    """What to tell the person who started the second build. holder_command is the holder's command line."""
    if holder_command and "dbt" in holder_command:
        return (
            f"{conflict.path} is being written by another dbt build (pid {conflict.pid}); "
            "wait for it to finish, then run the build again."
        )
    return (
        f"{conflict.path} is locked by another process (pid {conflict.pid}): an open connection to the warehouse, "
        "read-only ones too, keeps a build from writing it; close it, then run the build again (read a copy of the "
        "warehouse instead, docs/RESULTS.md)."
    )


def failure_reason(message: str) -> str:
    """The one line that says why a node failed: a Python traceback's final exception message, else the first
    line of dbt's message."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return "no message"
    if any(line.startswith("Traceback (most recent call last)") for line in lines):
        exception_type, _, text = lines[-1].partition(": ")
        return text or exception_type
    return lines[1] if len(lines) > 1 and DBT_ERROR_HEADER.match(lines[0]) else lines[0]


def node_name(unique_id: str) -> str:
    """The name a person knows a node by: model.project.name, test.project.name.hash, unit_test.project.model.name."""
    parts = unique_id.split(".")
    return parts[3] if parts[0] == "unit_test" else parts[2]


def broken_assertions(result: Mapping[str, Any], warehouse: Path | None) -> list[str]:
    """For a failed assertions test, each broken assertion and how many rows break it ("not_null(x): 3 rows"),
    from its compiled query run read-only on the DuckDB warehouse after the build; nothing for other nodes, or when
    the warehouse cannot be read (the summary line still names the test)."""
    compiled = result.get("compiled_code") or ""
    if result.get("status") != "fail" or ASSERTIONS_RESULT not in compiled or warehouse is None:
        return []
    import duckdb  # noqa: PLC0415 - only a failed build needs it; at the top every build would wait 0.2 s for it

    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            rows = connection.sql(compiled).fetchall()
    except (duckdb.Error, OSError):
        return []
    return [f"{assertion}: {failing_rows} rows" for assertion, failing_rows in rows]


def failure_summary(run_results: Mapping[str, Any], warehouse: Path | None = None) -> list[str]:
    """One line per failed node of a dbt run_results.json, its name and reason, then an assertions test's broken
    assertions, indented."""
    lines = []
    for result in run_results.get("results", []):
        if result.get("status") in FAILED_STATUSES:
            lines.append(f"{node_name(result['unique_id'])}: {failure_reason(result.get('message') or '')}")
            lines.extend(f"  {detail}" for detail in broken_assertions(result, warehouse))
    return lines

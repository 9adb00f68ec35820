"""Run ``dbt build`` and, when it fails, say why in a line a person reads.

Three failures come out of dbt buried in tracebacks or long messages. A var whose value is not of its kind stops
the build before any model (macros/check_vars.sql); the runner ends with that var's one-line message. A second
build on the same DuckDB file stops with a lock error and a long traceback; the runner replaces it with one
sentence naming the process to wait for. A dbt
Python model's error is the last line of a traceback; the runner ends a failed build with one line per failed
node, carrying that reason. Everything else dbt prints passes through unchanged.
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


def failure_summary(run_results: Mapping[str, Any]) -> list[str]:
    """One line per failed node of a dbt run_results.json: its name and reason."""
    return [
        f"{node_name(result['unique_id'])}: {failure_reason(result.get('message') or '')}"
        for result in run_results.get("results", [])
        if result.get("status") in FAILED_STATUSES
    ]

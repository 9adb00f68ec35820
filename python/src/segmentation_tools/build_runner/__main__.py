"""Command line: ``python -m segmentation_tools.build_runner [dbt build arguments]``,
e.g. ``--vars '{raw_data_path: data/raw}'``.

This is the production build (`make build`, `make dbt-build`): every seed, model and data test, without dbt's unit
tests (`--exclude-resource-type unit_test`, dbt's documented way), which test the SQL's logic on fixed rows, not
the plan's data, and run in development and CI instead (`make test`'s end-to-end builds run plain `dbt build`).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from segmentation_tools import create_files_owner_only
from segmentation_tools.build_runner import (
    LOCK_EXIT_CODE,
    LockConflict,
    failure_summary,
    lock_conflict,
    lock_message,
    var_problem,
)
from segmentation_tools.build_runner.faults import Fault, interrupt_fault, recognised_fault, redact_file, redacted
from segmentation_tools.build_runner.signals import ForwardedSignals

# The production build leaves out dbt's unit tests; make test runs them (docs/DEVELOPING.md).
PRODUCTION_BUILD_ARGUMENTS = ("--exclude-resource-type", "unit_test")
# dbt prints this line just before the error it is about; a lock conflict's own message replaces both.
ERROR_HEADER = "Encountered an error:"
DEFAULT_WAREHOUSE = "warehouse/member_segmentation.duckdb"  # profiles.yml's default for DBT_DUCKDB_PATH


@dataclass(frozen=True)
class BuildEnd:
    """How dbt ended: its exit code, and the fault of its surroundings it met, if any."""

    return_code: int
    conflict: LockConflict | None
    fault: Fault | None


def holder_command(pid: int) -> str | None:
    """The command line of a running process (Linux), to tell another dbt build from any other holder."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None


def stream_build(
    dbt_arguments: list[str], warehouse: Path, forwarded: ForwardedSignals, var_problems: list[str]
) -> BuildEnd:
    """Run dbt build, passing its output through (without extract lines) until dbt's fatal error is a lock
    conflict or a warehouse fault, whose traceback is dropped; the invalid-var messages it prints are collected in
    var_problems."""
    dbt = Path(sys.executable).with_name("dbt")
    held_back, conflict, fault, silenced = None, None, None, False
    with subprocess.Popen(
        [str(dbt), "build", *PRODUCTION_BUILD_ARGUMENTS, *dbt_arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as process:
        forwarded.to(process)
        for output_line in process.stdout or []:
            line = redacted(output_line)
            var_problems.extend(filter(None, [var_problem(line)]))
            conflict = conflict or lock_conflict(line)
            line_fault = recognised_fault(line, warehouse)
            fault = fault or line_fault
            # dbt's fatal error (the line after its header) is followed by a traceback: the runner's one line about
            # the fault or the interrupt replaces both.
            fatal = held_back is not None and (line_fault is not None or forwarded.received is not None)
            silenced = silenced or conflict is not None or fatal
            if silenced:
                held_back = None
                continue
            if held_back is not None:
                sys.stdout.write(held_back)
            held_back = line if line.rstrip().endswith(ERROR_HEADER) else None
            if held_back is None:
                sys.stdout.write(line)
            sys.stdout.flush()
    if held_back is not None:
        sys.stdout.write(held_back)
    return BuildEnd(process.returncode, conflict, fault)


def make_private(paths: list[Path]) -> None:
    """Owner-only modes for PHI files an earlier build (before the umask) left readable to others."""
    for path in paths:
        with contextlib.suppress(OSError):  # e.g. on a read-only file system: the build said so already
            path.chmod(0o700 if path.is_dir() else 0o600)


def main(dbt_arguments: list[str]) -> int:
    create_files_owner_only()
    started = time.time()
    target = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    logs = Path(os.environ.get("DBT_LOG_PATH", "logs"))
    warehouse = Path(os.environ.get("DBT_DUCKDB_PATH", DEFAULT_WAREHOUSE))
    var_problems: list[str] = []
    with ForwardedSignals() as forwarded:
        end = stream_build(dbt_arguments, warehouse, forwarded, var_problems)
    for artifact in (target / "run_results.json", logs / "dbt.log"):
        redact_file(artifact)
    make_private(
        [
            path
            for path in (
                warehouse,
                Path(f"{warehouse}.wal"),
                target,
                logs,
                logs / "dbt.log",
                target / "run_results.json",
            )
            if path.exists()
        ]
    )
    if forwarded.received is not None:
        fault = interrupt_fault(forwarded.received)
        print(fault.message, file=sys.stderr)
        return fault.exit_code
    if end.conflict:
        print(lock_message(end.conflict, holder_command(end.conflict.pid)), file=sys.stderr)
        return LOCK_EXIT_CODE
    if end.return_code != 0 and var_problems:
        print("dbt build failed:\n  " + "\n  ".join(var_problems), file=sys.stderr)
        return end.return_code
    run_results = target / "run_results.json"
    if end.return_code != 0 and run_results.exists() and run_results.stat().st_mtime >= started:
        summary = failure_summary(json.loads(run_results.read_text()), warehouse)
        if summary:
            print("dbt build failed:\n  " + "\n  ".join(summary), file=sys.stderr)
    if end.fault:
        print(end.fault.message, file=sys.stderr)
        return end.fault.exit_code
    return end.return_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

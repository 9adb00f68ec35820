"""Command line: ``python -m segmentation_tools.build_runner [dbt build arguments]``,
e.g. ``--vars '{raw_data_path: data/raw}'``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from segmentation_tools.build_runner import (
    LOCK_EXIT_CODE,
    LockConflict,
    failure_summary,
    lock_conflict,
    lock_message,
    var_problem,
)

# dbt prints this line just before the error it is about; a lock conflict's own message replaces both.
ERROR_HEADER = "Encountered an error:"


def holder_command(pid: int) -> str | None:
    """The command line of a running process (Linux), to tell another dbt build from any other holder."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None


def stream_build(dbt_arguments: list[str], var_problems: list[str]) -> tuple[int, LockConflict | None]:
    """Run dbt build, passing its output through until a lock conflict, whose traceback is dropped; the
    invalid-var messages it prints are collected in var_problems."""
    dbt = Path(sys.executable).with_name("dbt")
    held_back, conflict = None, None
    with subprocess.Popen(
        [str(dbt), "build", *dbt_arguments], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as process:
        for line in process.stdout or []:
            conflict = conflict or lock_conflict(line)
            var_problems.extend(filter(None, [var_problem(line)]))
            if conflict:
                continue
            if held_back is not None:
                sys.stdout.write(held_back)
            held_back = line if line.rstrip().endswith(ERROR_HEADER) else None
            if held_back is None:
                sys.stdout.write(line)
            sys.stdout.flush()
    if held_back is not None and conflict is None:
        sys.stdout.write(held_back)
    return process.returncode, conflict


def main(dbt_arguments: list[str]) -> int:
    started = time.time()
    var_problems: list[str] = []
    return_code, conflict = stream_build(dbt_arguments, var_problems)
    if conflict:
        print(lock_message(conflict, holder_command(conflict.pid)), file=sys.stderr)
        return LOCK_EXIT_CODE
    if return_code != 0 and var_problems:
        print("dbt build failed:\n  " + "\n  ".join(var_problems), file=sys.stderr)
        return return_code
    run_results = Path(os.environ.get("DBT_TARGET_PATH", "target")) / "run_results.json"
    if return_code != 0 and run_results.exists() and run_results.stat().st_mtime >= started:
        summary = failure_summary(json.loads(run_results.read_text()))
        if summary:
            print("dbt build failed:\n  " + "\n  ".join(summary), file=sys.stderr)
    return return_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

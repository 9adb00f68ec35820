"""Faults a build meets outside the project's own checks, each ended in one line saying what happened and what
to do: a warehouse path dbt cannot open, a full disk, an interrupt. And the PHI that must not reach a console or a
log: DuckDB's CSV errors quote the extract line they stopped on ("Original Line: ..."), which holds a member's
values; the runner drops that line from what it passes through and from dbt's log and run results.
"""

from __future__ import annotations

import json
import re
import signal
from dataclasses import dataclass
from pathlib import Path

# sysexits.h: the build could not create or open its output file (a warehouse path problem), an I/O error.
CANNOT_CREATE_EXIT_CODE = 73
IO_ERROR_EXIT_CODE = 74

CANNOT_OPEN = re.compile(
    r'Cannot open file "(?P<path>[^"]+)": (?P<reason>No such file or directory|Permission denied|Read-only file system)'
)
NOT_A_DATABASE = re.compile(r'The file "(?P<path>[^"]+)" exists, but it is not a valid DuckDB database file')
DISK_FULL = re.compile(r'(?:"(?P<path>[^"]+)": )?No space left on device')
# DuckDB's CSV reader quotes the line it stopped on; the line holds a member's values.
EXTRACT_LINE = re.compile(r"^(?P<indent>\s*)Original Line: .*$", re.MULTILINE)
EXTRACT_LINE_REDACTED = "Original Line: (not shown: extract lines hold PHI)"


@dataclass(frozen=True)
class Fault:
    """What happened and what to do, in one line, and the exit code the runner ends with."""

    message: str
    exit_code: int


def is_warehouse(path: str, warehouse: Path) -> bool:
    """Whether DuckDB's message is about the warehouse file (or its write-ahead log), not an extract."""
    return Path(path).resolve() in {warehouse.resolve(), Path(f"{warehouse}.wal").resolve()}


def warehouse_fault(line: str, warehouse: Path) -> Fault | None:
    """The fault in this line of dbt's output if it is DuckDB failing to open the warehouse file."""
    if (match := NOT_A_DATABASE.search(line)) and is_warehouse(match["path"], warehouse):
        path = match["path"]
        return Fault(
            f"{path} is not a DuckDB database: set DBT_DUCKDB_PATH to the warehouse file, or move {path} away so "
            "that the build creates a new warehouse there, then run the build again.",
            CANNOT_CREATE_EXIT_CODE,
        )
    match = CANNOT_OPEN.search(line)
    if not match or not is_warehouse(match["path"], warehouse):
        return None
    path, reason = Path(match["path"]), match["reason"]
    if reason == "No such file or directory":
        return Fault(
            f"The warehouse folder {path.parent} does not exist: create it (mkdir -m 700 {path.parent}) or set "
            "DBT_DUCKDB_PATH to a file in an existing folder, then run the build again.",
            CANNOT_CREATE_EXIT_CODE,
        )
    return Fault(
        f"The warehouse {path} cannot be written ({reason}): make {path.parent} writable for you (chmod 700), or "
        "set DBT_DUCKDB_PATH to a file in a writable folder, then run the build again.",
        CANNOT_CREATE_EXIT_CODE,
    )


def disk_full_fault(line: str) -> Fault | None:
    """The fault in this line of dbt's output if a write failed because the disk is full."""
    match = DISK_FULL.search(line)
    if not match:
        return None
    where = f"writing {match['path']}" if match["path"] else "writing the warehouse"
    return Fault(
        f"The disk is full (No space left on device while {where}): free space on the disk of the warehouse and "
        "its .tmp spill folder, or set DBT_DUCKDB_PATH to a disk with room, then run the build again. "
        "Tables the build had not replaced keep the previous run's rows.",
        IO_ERROR_EXIT_CODE,
    )


def recognised_fault(line: str, warehouse: Path) -> Fault | None:
    """A fault of the build's surroundings named in this line of dbt's output (lock conflicts aside); warehouse is
    the DuckDB file the build writes."""
    return warehouse_fault(line, warehouse) or disk_full_fault(line)


def interrupt_fault(signal_number: int) -> Fault:
    """The build was interrupted (Ctrl-C, kill): dbt was told and has stopped."""
    name = signal.Signals(signal_number).name
    return Fault(
        f"Build interrupted ({name}); dbt stopped. Each table is either the previous run's or this run's, never "
        "half written: run the build again to bring every table to this run.",
        128 + signal_number,
    )


def redacted(text: str) -> str:
    """text without the extract lines DuckDB's CSV errors quote."""
    return EXTRACT_LINE.sub(lambda match: match["indent"] + EXTRACT_LINE_REDACTED, text)


def redact_file(path: Path) -> None:
    """Rewrite a dbt log or run_results.json without extract lines, if it holds any."""
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        cleaned = json.dumps(_redacted_json(json.loads(text)), indent=2) if "Original Line: " in text else text
    else:
        cleaned = redacted(text)
    if cleaned != text:
        path.write_text(cleaned, encoding="utf-8")


def _redacted_json(value: object) -> object:
    if isinstance(value, str):
        return redacted(value)
    if isinstance(value, list):
        return [_redacted_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _redacted_json(item) for key, item in value.items()}
    return value

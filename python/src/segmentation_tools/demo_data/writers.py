"""Writing the extracts: one open Parquet or CSV file per extract and snapshot, appended to chunk by chunk, and
which of a chunk's rows each snapshot holds."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from segmentation_tools.demo_data.contract import EVENT_DATE_COLUMNS, EXTRACT_SCHEMAS
from segmentation_tools.demo_data.timeline import Timeline
from segmentation_tools.demo_data.truth import CHANGES_PATH, CHANGES_SCHEMA, TRUTH_PATH, TRUTH_SCHEMA


class _ExtractWriters:
    """One open file per extract and the truth, appended to chunk by chunk; counts the extracts' rows.

    A snapshot of a series also gets the truth of who changed since the previous one (with_changes).
    """

    def __init__(self, out_dir: Path, file_format: str, with_changes: bool = False) -> None:
        self._out_dir, self._format, self._with_changes = out_dir, file_format, with_changes
        self._stack = ExitStack()
        self._writers: dict[str, pq.ParquetWriter | pacsv.CSVWriter] = {}
        self.rows = dict.fromkeys(EXTRACT_SCHEMAS, 0)

    def __enter__(self) -> _ExtractWriters:
        (self._out_dir / TRUTH_PATH.parent).mkdir(parents=True, exist_ok=True)
        for name, schema in EXTRACT_SCHEMAS.items():
            writer = _open_writer(self._out_dir / f"{name}.{self._format}", schema, self._format)
            self._writers[name] = self._stack.enter_context(writer)
        self._writers["truth"] = self._stack.enter_context(_open_writer(self._out_dir / TRUTH_PATH, TRUTH_SCHEMA))
        if self._with_changes:
            changes = _open_writer(self._out_dir / CHANGES_PATH, CHANGES_SCHEMA)
            self._writers["changes"] = self._stack.enter_context(changes)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def append(self, name: str, table: pa.Table) -> None:
        self._writers[name].write_table(table)
        if name in self.rows:
            self.rows[name] += table.num_rows


class SnapshotWriters:
    """The extract writers of every snapshot, and which of a chunk's rows each snapshot gets."""

    def __init__(self, out_dirs: list[Path], file_format: str, timeline: Timeline) -> None:
        self._timeline = timeline
        self._stack = ExitStack()
        self._writers = [_ExtractWriters(out_dir, file_format, with_changes=len(out_dirs) > 1) for out_dir in out_dirs]

    def __enter__(self) -> SnapshotWriters:
        for writers in self._writers:
            self._stack.enter_context(writers)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    @property
    def rows(self) -> list[dict[str, int]]:
        return [writers.rows for writers in self._writers]

    def append_to_every_snapshot(self, name: str, table: pa.Table) -> None:
        for writers in self._writers:
            writers.append(name, table)

    def append_truth(self, snapshot: int, truth: pa.Table, changes: pa.Table | None) -> None:
        self._writers[snapshot].append("truth", truth)
        if changes is not None:
            self._writers[snapshot].append("changes", changes)

    def append_enrollments(self, table: pa.Table) -> None:
        """Every snapshot holds the enrollments that start by the end of its span (as events do)."""
        starts = table.column("coverage_start").to_numpy().astype("datetime64[D]").astype(np.int64)
        for writers, snapshot in zip(self._writers, self._timeline.snapshots, strict=True):
            known = starts <= snapshot.span_end
            writers.append("enrollments", table if known.all() else table.filter(pa.array(known)))

    def append_recorded_by_as_of(self, name: str, table: pa.Table, column: str) -> None:
        """Every snapshot holds the rows recorded (column) by its own as-of date, as a system's extract of that day.

        A snapshot with none of them gets nothing appended (an empty Parquet row group would change its bytes)."""
        days = table.column(column).to_numpy().astype("datetime64[D]").astype(np.int64)
        for writers, snapshot in zip(self._writers, self._timeline.snapshots, strict=True):
            known = days <= snapshot.as_of
            if known.any():
                writers.append(name, table if known.all() else table.filter(pa.array(known)))

    def append_events(
        self, name: str, table: pa.Table, *, hidden_in_last: pa.Array | None = None, only_last: bool = False
    ) -> None:
        """The event rows each snapshot's span holds; the last snapshot leaves out hidden_in_last's members,
        and rows only_last go to the last snapshot alone."""
        column = table.column(EVENT_DATE_COLUMNS[name]).to_numpy()
        days = column.astype("datetime64[D]").astype(np.int64)
        last = len(self._writers) - 1
        for position, (writers, snapshot) in enumerate(zip(self._writers, self._timeline.snapshots, strict=True)):
            if only_last and position != last:
                continue
            # The history's own edges are not cut: a weekend claim or call moved to Monday may pass its end.
            kept = np.ones(days.size, dtype=bool)
            if snapshot.span_start > self._timeline.span_start:
                kept &= snapshot.span_start <= days
            if snapshot.span_end < self._timeline.span_end:
                kept &= days <= snapshot.span_end
            if position == last and hidden_in_last is not None and len(hidden_in_last):
                kept &= ~pc.is_in(table.column("member_id"), value_set=hidden_in_last).to_numpy(zero_copy_only=False)
            writers.append(name, table if kept.all() else table.filter(pa.array(kept)))


def _open_writer(path: Path, schema: pa.Schema, file_format: str = "parquet") -> pq.ParquetWriter | pacsv.CSVWriter:
    if file_format == "parquet":
        return pq.ParquetWriter(path, schema, compression="zstd")
    return pacsv.CSVWriter(path, schema)

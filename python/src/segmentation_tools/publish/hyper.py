"""The Tableau Hyper extract (bi extra: tableauhyperapi and pantab), loaded by Hyper itself from the Parquet files.

Hyper reads Parquet natively (external()), so every value arrives exactly as published; only decimals wider
than the 18 digits a Hyper file of the default database version holds (which every Tableau release opens) are
cast to 18 digits with the same scale, a checked cast that fails the publish rather than change a value.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HYPER_FILE = "member_segmentation.hyper"
# Tableau lists a multi-table extract's tables under this schema.
HYPER_SCHEMA = "Extract"
HYPER_MAX_NUMERIC_PRECISION = 18


def hyper_available() -> bool:
    """True when the bi extra is installed (make install-bi)."""
    return all(importlib.util.find_spec(name) is not None for name in ("pantab", "tableauhyperapi"))


def write_hyper(tables: dict[str, Path], path: Path, log_dir: Path) -> None:
    """One Hyper file with a table "Extract".<mart> per Parquet file; hyperd writes its log into log_dir."""
    from tableauhyperapi import (  # noqa: PLC0415 - the bi extra is optional
        Connection,
        CreateMode,
        HyperProcess,
        Name,
        TableName,
        Telemetry,
        escape_string_literal,
    )

    with (
        HyperProcess(Telemetry.DO_NOT_SEND_USAGE_DATA_TO_TABLEAU, parameters={"log_dir": str(log_dir)}) as hyper,
        Connection(hyper.endpoint, str(path), CreateMode.CREATE_AND_REPLACE) as connection,
    ):
        connection.catalog.create_schema(HYPER_SCHEMA)
        for name, parquet in tables.items():
            columns = ", ".join(_select_expression(field, Name(field.name)) for field in pq.read_schema(parquet))
            source = f"external({escape_string_literal(str(parquet))}, format => 'parquet')"
            connection.execute_command(
                f"create table {TableName(HYPER_SCHEMA, name)} as (select {columns} from {source})"
            )


def _select_expression(field: pa.Field, quoted_name: object) -> str:
    if pa.types.is_decimal(field.type) and field.type.precision > HYPER_MAX_NUMERIC_PRECISION:
        return f"cast({quoted_name} as numeric({HYPER_MAX_NUMERIC_PRECISION}, {field.type.scale})) as {quoted_name}"
    return str(quoted_name)


def read_hyper_table(path: Path, name: str, log_dir: Path) -> pa.Table:
    """One table of a Hyper file as a pyarrow Table, read back through the Hyper API (pantab)."""
    import pantab  # noqa: PLC0415

    return pantab.frame_from_hyper(
        path, table=(HYPER_SCHEMA, name), return_type="pyarrow", process_params={"log_dir": str(log_dir)}
    )

"""Reading a published folder and the warehouse it came from into comparable tables (test_publish, bi tests)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
from segmentation_tools.publish import publish

from tests.support import warehouse_path


def published_models(manifest: dict, *, include_phi: bool) -> set[str]:
    """The models the dbt manifest marks meta publish: true (the PHI ones only with include_phi)."""
    return {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["meta"].get("publish") is True
        and (include_phi or not node["meta"]["contains_phi"])
    }


def build_manifest(workdir: Path) -> dict:
    return json.loads((workdir / "target" / "manifest.json").read_text())


def publish_build(workdir: Path, out_root: Path, *, include_phi: bool = False, hyper: bool = False) -> Path:
    """Publish what the build in workdir made (its warehouse, by its dbt manifest) under out_root, as make publish
    does; returns the dated folder."""
    return publish(
        warehouse_path(workdir), workdir / "target" / "manifest.json", out_root, include_phi=include_phi, hyper=hyper
    )


def mart_rows(workdir: Path, name: str, as_of_date: str) -> pa.Table:
    """The mart's rows for the as-of date, as the warehouse holds them."""
    with duckdb.connect(str(warehouse_path(workdir)), read_only=True) as connection:
        return connection.sql(f"select * from {name} where as_of_date = date '{as_of_date}'").to_arrow_table()


def comparable(table: pa.Table) -> pd.DataFrame:
    """Rows in a canonical order with canonical types: decimals at full width (a narrower decimal holds the same
    values), plain strings; what is left to compare is the values."""
    fields = [
        pa.field(field.name, pa.decimal128(38, field.type.scale))
        if pa.types.is_decimal(field.type)
        else pa.field(field.name, pa.string())
        if pa.types.is_large_string(field.type)
        else field
        for field in table.schema
    ]
    frame = table.cast(pa.schema(fields)).to_pandas()
    return frame.sort_values(list(frame.columns), na_position="first", ignore_index=True)

"""Copy the published marts' rows for the build's as-of date out of the warehouse, then finish the dated folder."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb

from segmentation_tools.publish.hyper import HYPER_FILE, hyper_available, write_hyper
from segmentation_tools.publish.manifest import MANIFEST_FILE, write_manifest
from segmentation_tools.publish.selection import PublishedMart, published_marts

# The table that holds the build's own run: its as_of_date is what a publish copies.
RUN_TABLE = "segmentation_run"


class PublishError(RuntimeError):
    """The warehouse cannot be published (missing, locked by a writer, or not built)."""


def publish(
    warehouse: Path,
    dbt_manifest: Path,
    out_root: Path,
    *,
    include_phi: bool = False,
    hyper: bool | None = None,
    mart: str | None = None,
    csv: bool = False,
) -> Path:
    """Publish the marts of the warehouse's current as-of date to out_root/<as_of_date>/ and return that folder.

    hyper None writes the Tableau extract when the bi extra is installed, True requires it, False skips it.
    mart publishes that one mart alone (the send list a campaign tool loads: make publish-send-list), and csv
    writes a CSV beside each Parquet file for tools that read no Parquet.
    A folder already there for the date is replaced whole, at the end, by a rename: readers that hold its
    files open keep reading the old files.
    """
    marts = published_marts(dbt_manifest, include_phi=include_phi, only=mart)
    if hyper is None:
        hyper = hyper_available()
    elif hyper and not hyper_available():
        raise PublishError("the Hyper extract needs the bi extra (make install-bi): tableauhyperapi and pantab")
    out_root.mkdir(parents=True, exist_ok=True)
    staging = out_root / f".publishing-{os.getpid()}"
    scratch = out_root / f".scratch-{os.getpid()}"
    for folder in (staging, scratch):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    try:
        as_of_date = _copy_marts(warehouse, marts, staging, csv=csv)
        tables = {mart.name: staging / f"{mart.name}.parquet" for mart in marts}
        if hyper:
            write_hyper(tables, staging / HYPER_FILE, log_dir=scratch)
        write_manifest(staging / MANIFEST_FILE, as_of_date, marts, tables, staging / HYPER_FILE if hyper else None)
        return _swap_into_place(staging, out_root / as_of_date.isoformat())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


def _copy_marts(warehouse: Path, marts: list[PublishedMart], folder: Path, *, csv: bool = False) -> dt.date:
    """The one read of the warehouse: read-only, each mart's rows for the as-of date straight to Parquet (and
    CSV with a header when csv)."""
    if not warehouse.is_file():
        raise PublishError(f"{warehouse}: no warehouse; run the build (make build) first")
    try:
        connection = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as error:
        raise PublishError(f"{warehouse}: cannot open read-only while a build writes it ({error})") from error
    with connection:
        run_table = f'"{marts[0].schema}".{RUN_TABLE}'
        as_of_date = connection.execute(f"select max(as_of_date) from {run_table}").fetchone()[0]
        if as_of_date is None:
            raise PublishError(f"{warehouse}: {RUN_TABLE} is empty; the build did not finish")
        formats = {"parquet": "format parquet, compression zstd", **({"csv": "format csv, header"} if csv else {})}
        for mart in marts:
            rows = f"select * from {mart.qualified_relation} where as_of_date = date '{as_of_date.isoformat()}'"
            for extension, options in formats.items():
                target = str(folder / f"{mart.name}.{extension}").replace("'", "''")
                connection.execute(f"copy ({rows}) to '{target}' ({options})")
    return as_of_date


def _swap_into_place(staging: Path, final: Path) -> Path:
    """Rename the finished folder into place; an earlier publish of the date is moved aside, then removed."""
    replaced = final.with_name(f".replaced-{final.name}-{os.getpid()}")
    if final.exists():
        final.rename(replaced)
    staging.rename(final)
    shutil.rmtree(replaced, ignore_errors=True)
    return final

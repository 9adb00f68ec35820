"""python -m tests.spark.export_tables (from python/) WORKDIR SCHEMA OUT TABLE...: a Spark build's tables as Parquet."""

import sys
from pathlib import Path

from tests.spark.support import export_tables

if __name__ == "__main__":
    workdir, schema, out, *tables = sys.argv[1:]
    export_tables(Path(workdir), schema, Path(out), tables)

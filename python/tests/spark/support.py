"""Spark builds for the tests: dbt through `python -m segmentation_tools.spark_target`, and reading the built
marts back."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml
from pyspark.sql import SparkSession
from segmentation_tools.bench.harness import spark_build_command, spark_dir

from tests.support import REPO_ROOT, run_results_path

ENV_VAR_CALL = re.compile(r"""\{\{\s*env_var\('(\w+)',\s*'([^']*)'\)\s*\}\}""")


def run_spark_build(workdir: Path, raw_data_path: Path, dbt_vars: dict | None = None) -> subprocess.CompletedProcess:
    """`dbt build --target spark` on the extracts in raw_data_path, run to the end; dbt's output is kept in
    workdir/dbt_output.txt."""
    workdir.mkdir(parents=True, exist_ok=True)
    argv, env = spark_build_command(workdir, raw_data_path, dbt_vars)
    completed = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    (workdir / "dbt_output.txt").write_text(completed.stdout + completed.stderr, encoding="utf-8")
    return completed


def spark_build(workdir: Path, raw_data_path: Path, dbt_vars: dict | None = None) -> dict:
    """A Spark build that must succeed; returns its run_results.json."""
    completed = run_spark_build(workdir, raw_data_path, dbt_vars)
    if completed.returncode != 0:
        output = completed.stdout[-8000:] + completed.stderr
        raise AssertionError(f"spark build failed ({completed.returncode}):\n{output}")
    return json.loads(run_results_path(workdir).read_text())


def session_parameters(workdir: Path) -> dict[str, str]:
    """The spark output's server_side_parameters of profiles.yml, for a session on workdir's warehouse."""
    profile = yaml.safe_load((REPO_ROOT / "profiles.yml").read_text())["member_segmentation"]["outputs"]["spark"]
    overrides = {"DBT_SPARK_DIR": str(spark_dir(workdir))}
    return {
        name: ENV_VAR_CALL.sub(lambda call: overrides.get(call[1], call[2]), str(value))
        for name, value in profile["server_side_parameters"].items()
    }


def read_spark_tables(workdir: Path, schema: str, tables: list[str]) -> dict[str, pd.DataFrame]:
    """Each table of a finished Spark build as pandas. A child process opens a session on the build's
    metastore and saves the tables as Parquet: one JVM per build, since a JVM keeps its first metastore."""
    out = workdir / "exported_tables"
    subprocess.run(
        [sys.executable, "-m", "tests.spark.export_tables", str(workdir), schema, str(out), *tables],
        cwd=REPO_ROOT / "python",
        check=True,
        capture_output=True,
    )
    return {table: pd.read_parquet(out / f"{table}.parquet") for table in tables}


def export_tables(workdir: Path, schema: str, out: Path, tables: list[str]) -> None:
    """Save each table of the Spark build in workdir as out/<table>.parquet (pandas, via Arrow)."""
    builder = SparkSession.builder.enableHiveSupport()
    for name, value in session_parameters(workdir).items():
        builder = builder.config(name, value)
    spark = builder.getOrCreate()
    out.mkdir(parents=True, exist_ok=True)
    try:
        for table in tables:
            spark.table(f"{schema}.{table}").toPandas().to_parquet(out / f"{table}.parquet", index=False)
    finally:
        spark.stop()

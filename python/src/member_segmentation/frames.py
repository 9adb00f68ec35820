"""The one place the segmentation meets a warehouse engine: DuckDB (dbt-duckdb) or Spark (dbt-spark).

A dbt Python model gets its inputs as the engine's own objects: ``dbt.ref()`` returns a DuckDB relation on
DuckDB and a Spark DataFrame on Spark, and ``session`` is a DuckDB connection or a SparkSession. Everything
else in this package works on pandas, so the models convert here and nowhere else. The objects are told
apart by what they offer (duck typing), so the package imports neither engine and runs where only one is
installed.

Only small frames cross into pandas: the fit sample (at most var kmeans_fit_sample_size members), a run's
model (one row per segment and feature) and single columns. Work that grows with the plan (assigning every
member) stays in the warehouse as SQL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd


def _is_spark(obj: Any) -> bool:
    """A Spark DataFrame (``toPandas``) or SparkSession (``catalog``), as opposed to their DuckDB counterparts."""
    return hasattr(obj, "toPandas") or hasattr(obj, "catalog")


def to_pandas(relation: Any, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The relation (or only ``columns`` of it) as a pandas DataFrame.

    DuckDB relations are fetched whole with ``df()`` (duckdb 2.0's ``.arrow()`` is a streaming reader that
    would keep the connection busy). Spark DataFrames are collected to the driver with ``toPandas``
    (``pyspark.pandas`` does not import with pandas 3).
    """
    if columns is not None:
        relation = relation.select(*columns)
    if _is_spark(relation):
        return relation.toPandas()
    return relation.df()


def quoted_identifier(session: Any, *names: str) -> str:
    """A qualified table name quoted for the session's engine ("a"."b" on DuckDB, `a`.`b` on Spark)."""
    quote = "`" if _is_spark(session) else '"'
    # dbt-spark renders an absent database as the text "None".
    return ".".join(quote + name.replace(quote, quote * 2) + quote for name in names if name and name != "None")


def table_exists(session: Any, database: str | None, schema: str, table: str) -> bool:
    """Whether the table exists, without failing when it does not (a fresh warehouse)."""
    if _is_spark(session):
        return session.catalog.tableExists(table, schema)
    # fetchall, not fetchone: duckdb 2.0 keeps the connection busy until a result is read to the end.
    ((found,),) = session.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_name = ?",
        [database, schema, table],
    ).fetchall()
    return found > 0


def query(session: Any, sql: str) -> pd.DataFrame:
    """The result of a query on the session's engine, as pandas. Callers put only literals they quoted in sql."""
    return to_pandas(session.sql(sql))


_PORTABLE_LITERAL = re.compile(r"[A-Za-z0-9_ .:-]*")


def string_literal(value: str) -> str:
    """A SQL string literal that reads the same on DuckDB and Spark.

    The engines escape quotes differently (DuckDB doubles them, Spark uses backslashes), so only characters
    that need no escaping on either are accepted: names of questions, dates.
    """
    if not _PORTABLE_LITERAL.fullmatch(value):
        raise ValueError(
            f"string_literal: {value!r} holds characters that need escaping; "
            "expected letters, digits, _ . : - or spaces."
        )
    return f"'{value}'"

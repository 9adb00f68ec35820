"""dbt on a local Apache Spark session, Python models included.

dbt-spark runs Python models only by submitting them to Databricks (``all_purpose_cluster`` or
``job_cluster``); with the ``session`` connection method a Python model fails with "Databricks cluster_id is
required". On a local session there is nothing to submit to: the model's compiled code can run in the
SparkSession dbt already holds, in this process. ``register_local_session`` adds that as the submission method
``local_session`` (dbt_project.yml selects it on the spark target), and
``python -m segmentation_tools.spark_target`` runs dbt with it registered.
Production on Databricks needs none of this (docs/SCALING.md).
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.spark.impl import SparkAdapter
from pyspark.sql import SparkSession

LOCAL_SESSION = "local_session"


class LocalSessionPythonJobHelper:
    """Runs a Python model's compiled code in this process's SparkSession (dbt-spark's session method)."""

    def __init__(self, parsed_model: dict[str, Any], _credentials: Any) -> None:
        self.model_path = parsed_model.get("original_file_path", parsed_model.get("name", "python model"))

    def submit(self, compiled_code: str) -> None:
        # The compiled code is the model followed by dbt-spark's py_write_table, which reads `spark` as a
        # global, as a Databricks notebook provides it.
        code = compile(compiled_code, self.model_path, "exec")
        exec(code, {"spark": SparkSession.builder.getOrCreate(), "__name__": "__dbt_python_model__"})


def register_local_session() -> None:
    """Add ``local_session`` to dbt-spark's Python submission methods (idempotent)."""
    databricks_helpers = SparkAdapter.python_submission_helpers.fget
    if getattr(databricks_helpers, "includes_local_session", False):
        return

    def helpers(adapter: SparkAdapter) -> dict[str, Any]:
        return {**databricks_helpers(adapter), LOCAL_SESSION: LocalSessionPythonJobHelper}

    helpers.includes_local_session = True  # type: ignore[attr-defined]
    SparkAdapter.python_submission_helpers = property(helpers)  # type: ignore[method-assign]

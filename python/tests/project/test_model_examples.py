"""Every model's description ends with an example query (dbt-score's has_example_sql asks for one in make lint);
the examples are what a warehouse consumer copies, so each must run on a built warehouse as written."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.support import query

EXAMPLE_SQL = re.compile(r"```sql\n(.*?)```", re.DOTALL)


def _model_examples(manifest: dict) -> dict[str, list[str]]:
    return {
        node["name"]: EXAMPLE_SQL.findall(node["description"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "member_segmentation"
    }


def test_every_model_description_has_an_example_query(manifest):
    assert [name for name, examples in _model_examples(manifest).items() if not examples] == []


@pytest.mark.end_to_end
def test_every_example_query_runs_on_the_built_warehouse(build, manifest):
    workdir, _ = build
    failures = {}
    for name, examples in _model_examples(manifest).items():
        for sql in examples:
            try:
                query(workdir, sql)
            except duckdb.Error as error:  # every failing example is reported, not only the first
                failures[name] = str(error).splitlines()[0]

    assert failures == {}

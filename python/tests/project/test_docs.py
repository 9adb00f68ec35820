"""Everything a warehouse consumer reads in dbt docs is described: the manifest of a parse of the project says so.

dbt itself only checks that yml refers to real things; a forgotten description or a column added to a model but
not to its yml passes silently, so these tests are what keep the docs complete.
"""

from __future__ import annotations

import pytest

from tests.support import query

PROJECT = "member_segmentation"


def _project_nodes(manifest: dict, *resource_types: str) -> dict[str, dict]:
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in resource_types and node["package_name"] == PROJECT
    }


def _undescribed_columns(node: dict) -> list[str]:
    return [name for name, column in node["columns"].items() if not column["description"].strip()]


def test_every_model_seed_and_analysis_and_each_of_its_columns_is_described(manifest):
    nodes = _project_nodes(manifest, "model", "seed", "analysis")
    undescribed = [unique_id for unique_id, node in nodes.items() if not node["description"].strip()]
    without_columns = [unique_id for unique_id, node in nodes.items() if not node["columns"]]
    undescribed_columns = {unique_id: cols for unique_id, node in nodes.items() if (cols := _undescribed_columns(node))}

    # Analyses are optional (analyses/ holds ad-hoc SQL); when there are some, they are held to the same rule.
    assert {"model", "seed"} <= {node["resource_type"] for node in nodes.values()}
    assert undescribed == []
    assert without_columns == []
    assert undescribed_columns == {}


def test_every_model_description_states_its_grain(manifest):
    models = _project_nodes(manifest, "model")

    assert [unique_id for unique_id, node in models.items() if "Grain" not in node["description"]] == []


def test_every_source_table_and_column_is_described(manifest):
    sources = {
        unique_id: source for unique_id, source in manifest["sources"].items() if source["package_name"] == PROJECT
    }

    assert sources
    assert [unique_id for unique_id, source in sources.items() if not source["source_description"].strip()] == []
    assert [unique_id for unique_id, source in sources.items() if not source["description"].strip()] == []
    assert {unique_id: cols for unique_id, source in sources.items() if (cols := _undescribed_columns(source))} == {}


def test_every_project_macro_and_each_of_its_arguments_is_described(manifest):
    # With validate_macro_args (dbt_project.yml), a macro whose yml lists no arguments carries its Jinja
    # signature's arguments here, undescribed; a yml list that differs from the signature fails the parse.
    macros = {unique_id: macro for unique_id, macro in manifest["macros"].items() if macro["package_name"] == PROJECT}
    undescribed_arguments = {
        unique_id: [argument["name"] for argument in macro["arguments"] if not argument["description"].strip()]
        for unique_id, macro in macros.items()
    }

    assert f"macro.{PROJECT}.test_assertions" in macros
    assert [unique_id for unique_id, macro in macros.items() if not macro["description"].strip()] == []
    assert {unique_id: names for unique_id, names in undescribed_arguments.items() if names} == {}


def test_exposures_name_an_owner_and_the_models_they_read(manifest):
    exposures = manifest["exposures"].values()

    assert {exposure["name"] for exposure in exposures} >= {"outreach_campaign_list", "segment_report"}
    for exposure in exposures:
        assert exposure["description"].strip(), exposure["name"]
        assert exposure["owner"]["name"] or exposure["owner"]["email"], exposure["name"]
        assert exposure["depends_on"]["nodes"], exposure["name"]
        assert all(node in manifest["nodes"] for node in exposure["depends_on"]["nodes"]), exposure["name"]


@pytest.mark.end_to_end
def test_every_column_in_the_built_warehouse_is_documented(build, manifest):
    workdir, _ = build
    built_columns = query(workdir, "select table_name, column_name from information_schema.columns")
    documented = {node["alias"]: set(node["columns"]) for node in _project_nodes(manifest, "model", "seed").values()}
    # build_results_history is written by the on-run-end hook, and documented as source build_history
    documented.update(
        {
            source["identifier"]: set(source["columns"])
            for source in manifest["sources"].values()
            if source["source_name"] == "build_history"
        }
    )
    undocumented = sorted(
        f"{row.table_name}.{row.column_name}"
        for row in built_columns.itertuples()
        if row.column_name not in documented[row.table_name]
    )

    assert set(built_columns["table_name"]) == set(documented)
    assert undocumented == []

"""PHI minimization, read from the built project's manifest: every model says whether it holds PHI, and every
consumer-facing model has a column allow-list that admits no date of birth and no claim-level detail."""

from __future__ import annotations

import json

import pytest

from tests.support import query

pytestmark = pytest.mark.end_to_end

# Columns that identify a person beyond the member id, or describe a single claim or event.
NEVER_CONSUMER_FACING = frozenset(
    {
        "birth_date",
        "date_of_birth",
        "county_fips",
        "claim_id",
        "service_date",
        "paid_amount",
        "login_at",
        "event_at",
        "contact_at",
        "original_values",
        "natural_key",
        "extract_row",
    }
)


@pytest.fixture(scope="module")
def manifest(small_build) -> dict:
    workdir, _ = small_build
    return json.loads((workdir / "target" / "manifest.json").read_text())


def models_and_seeds(manifest: dict) -> list[dict]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] in {"model", "seed"}]


def allow_lists(manifest: dict) -> dict[str, list[str]]:
    """Consumer-facing model name -> the columns its columns_allowed test admits."""
    lists = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") == "columns_allowed":
            model = manifest["nodes"][node["attached_node"]]["name"]
            lists[model] = node["test_metadata"]["kwargs"]["allowed"]
    return lists


def test_every_model_and_seed_declares_whether_it_contains_phi(manifest):
    undeclared = [
        node["name"] for node in models_and_seeds(manifest) if not isinstance(node["meta"].get("contains_phi"), bool)
    ]

    assert undeclared == []


def test_every_consumer_facing_model_has_a_column_allow_list(manifest):
    consumer_facing = {node["name"] for node in models_and_seeds(manifest) if node["meta"].get("consumer_facing")}

    assert {"member_outreach", "segment_profiles", "member_status"} <= consumer_facing
    assert set(allow_lists(manifest)) == consumer_facing


@pytest.mark.parametrize(
    "model",
    [
        "member_outreach",
        "segment_profiles",
        "segment_reviews",
        "segment_fairness",
        "member_status",
        "member_segment_history",
        "segmentation_run_history",
        "segment_migrations",
        "segment_drift",
        "refresh_verdicts",
    ],
)
def test_allow_list_admits_no_date_of_birth_or_claim_detail_and_matches_the_built_mart(manifest, small_build, model):
    workdir, _ = small_build
    allowed = allow_lists(manifest)[model]
    built = query(workdir, f"select * from {model} limit 0").columns

    assert not NEVER_CONSUMER_FACING & set(allowed)
    assert set(built) <= set(allowed)


def test_a_model_holding_member_level_health_data_is_marked_phi(manifest):
    phi_columns = {"member_id", "birth_date", "original_values"}
    unmarked = [
        node["name"]
        for node in models_and_seeds(manifest)
        if phi_columns & set(node["columns"]) and not node["meta"]["contains_phi"]
    ]

    assert unmarked == []

"""dbt build on generated extracts in a temporary directory, then checks of the built warehouse.

The generated plan has planted personas (demo_data writes the truth beside the extracts), events on and
outside the window edges, multi-line claims, members without activity and members without coverage.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from member_segmentation.pipeline import assign_members_to_segments
from segmentation_tools.bench.plain_pandas_baseline import member_features
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS
from segmentation_tools.demo_data.generate import generate_extracts
from sklearn.metrics import adjusted_rand_score

from tests.support import AS_OF, MEMBERS, dbt_build, query

pytestmark = pytest.mark.end_to_end


def assignments(workdir: Path) -> pd.DataFrame:
    return query(workdir, "select member_id, segment_id, persona from member_outreach order by member_id")


def test_every_model_unit_test_and_data_test_passes(build):
    _, run_results = build
    statuses = pd.Series([result["status"] for result in run_results["results"]])
    kinds = pd.Series([result["unique_id"].split(".")[0] for result in run_results["results"]])

    # dbt build lists the exposures too; there is nothing to run for them.
    assert set(statuses[kinds != "exposure"]) == {"success", "pass"}, statuses.value_counts()
    assert set(statuses[kinds == "exposure"]) == {"no-op"}
    assert (kinds == "test").sum() >= 80
    assert (kinds == "unit_test").sum() >= 9


def test_features_match_an_independent_implementation_of_the_definitions(build, extracts):
    workdir, _ = build
    built = query(workdir, "select * exclude (as_of_date) from member_features order by member_id")
    expected = member_features(extracts, AS_OF)

    assert len(built) == len(expected)
    pd.testing.assert_frame_equal(
        built.astype({"premium": "float64", "deductible": "float64", "age": "int64"}),
        expected.astype({"premium": "float64", "deductible": "float64"}),
        check_dtype=False,
    )


def test_default_pipeline_recovers_the_planted_personas(build, extracts):
    workdir, _ = build
    truth = pd.read_parquet(extracts / "_truth" / "planted_personas.parquet").set_index("member_id")
    found = assignments(workdir).set_index("member_id").join(truth, how="inner")

    assert len(found) == len(assignments(workdir))
    assert adjusted_rand_score(found["planted_persona"], found["persona"]) >= 0.90
    assert (found["planted_persona"] == found["persona"]).mean() >= 0.95


def test_sql_assignment_equals_the_numpy_reference(build):
    workdir, _ = build
    members = query(workdir, "select * from member_features")
    centroids = query(workdir, "select * from segment_centroids")
    in_sql = query(workdir, "select * from member_segments order by member_id")

    reference = assign_members_to_segments(members, centroids)

    assert len(in_sql) == len(reference) == len(members)
    assert list(in_sql["member_id"]) == list(reference["member_id"])
    assert (in_sql["segment_id"].to_numpy() == reference["segment_id"].to_numpy()).all()
    np.testing.assert_allclose(in_sql["distance_to_centroid"], reference["distance_to_centroid"], rtol=1e-12)


def test_a_plan_smaller_than_the_sample_size_is_fitted_on_every_member(build):
    workdir, _ = build
    sampled = query(workdir, "select count(*) as n from main_intermediate.int_members_sampled_for_fit")["n"].iloc[0]

    assert sampled == query(workdir, "select count(*) as n from member_features")["n"].iloc[0] > 0.8 * MEMBERS


def test_every_active_member_gets_one_persona_and_action(build):
    workdir, _ = build
    counts = query(
        workdir,
        """
        select
            (select count(*) from member_features) as active_members,
            (select count(distinct member_id) from member_outreach) as members_with_outreach,
            (select count(*) from member_outreach where recommended_action is null) as without_action
        """,
    ).iloc[0]

    assert counts["active_members"] == counts["members_with_outreach"] > 0.8 * MEMBERS
    assert counts["without_action"] == 0


def test_segment_profiles_reconcile_with_the_members(build):
    workdir, _ = build
    profiles = query(workdir, "select * from segment_profiles order by segment_id")
    features = query(workdir, "select avg(claims) as mean_claims, count(*) as members from member_features")

    assert profiles["member_count"].sum() == features.loc[0, "members"]
    assert profiles["member_share"].sum() == pytest.approx(1.0)
    weighted_claims = (profiles["mean_claims"] * profiles["member_count"]).sum() / profiles["member_count"].sum()
    assert weighted_claims == pytest.approx(features.loc[0, "mean_claims"])
    assert set(profiles["persona"]) == {
        "Digital Learners",
        "Care Management Members",
        "Highly Engaged Users",
        "Cost Sensitive Members",
    }


def test_run_record_describes_the_fit(build):
    workdir, _ = build
    run = query(workdir, "select * from segmentation_run_history").iloc[0]
    centroids = query(workdir, "select * from segment_centroids")

    assert run["members_segmented"] == query(workdir, "select count(*) as n from member_segments").loc[0, "n"]
    assert run["n_segments"] == centroids["segment_id"].nunique() == 4
    assert run["kmeans_n_init"] == 10
    assert run["kmeans_random_state"] == 42
    assert len(centroids) == 4 * 7


def test_csv_extracts_build_the_same_warehouse_as_parquet(build, tmp_path):
    workdir, _ = build
    raw_csv = tmp_path / "raw_csv"
    generate_extracts(MEMBERS, raw_csv, AS_OF, seed=42, file_format="csv")
    csv_workdir = tmp_path / "build_csv"
    dbt_build(csv_workdir, raw_csv, {"raw_format": "csv"})

    pd.testing.assert_frame_equal(
        query(csv_workdir, "select * from member_features order by member_id"),
        query(workdir, "select * from member_features order by member_id"),
    )
    pd.testing.assert_frame_equal(assignments(csv_workdir), assignments(workdir))


def test_shuffled_extract_rows_give_every_member_the_same_persona(build, extracts, tmp_path):
    workdir, _ = build
    shuffled = tmp_path / "raw_shuffled"
    shuffled.mkdir()
    rng = np.random.default_rng(11)
    for table in EXTRACT_SCHEMAS:
        rows = pq.read_table(extracts / f"{table}.parquet")
        pq.write_table(rows.take(rng.permutation(rows.num_rows)), shuffled / f"{table}.parquet")
    shuffled_workdir = tmp_path / "build_shuffled"
    dbt_build(shuffled_workdir, shuffled)

    pd.testing.assert_frame_equal(assignments(shuffled_workdir), assignments(workdir))


def test_thread_counts_do_not_change_any_members_persona(build, extracts, tmp_path):
    workdir, _ = build
    threads_workdir = tmp_path / "build_threads"
    dbt_build(
        threads_workdir,
        extracts,
        {"kmeans_n_threads": 2},
        env={"DBT_THREADS": "1", "DUCKDB_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )

    pd.testing.assert_frame_equal(assignments(threads_workdir), assignments(workdir))

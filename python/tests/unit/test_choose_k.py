"""Choosing k: the evidence, the recommendation rule and the `make choose-k` command."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest
from member_segmentation.settings import SegmentationConfigError
from segmentation_tools.choose_k import (
    EVIDENCE_TABLE,
    KSearchSettings,
    elbow_strength,
    evaluate_ks,
    main,
    matched_jaccard,
    recommend_k,
    settings_from_project,
)

from tests.support import FEATURES, REPO_ROOT, planted_features

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def evidence(**columns: list[float]) -> pd.DataFrame:
    """A k = 2..5 evidence table with the given columns; the others are unremarkable."""
    base = {
        "k": [2, 3, 4, 5],
        "inertia": [100.0, 60.0, 30.0, 27.0],
        "silhouette": [0.5, 0.4, 0.45, 0.3],
        "stability": [1.0, 0.99, 0.98, 0.97],
        "smallest_segment_share": [0.4, 0.3, 0.2, 0.1],
        "elbow_strength": [np.nan, 1.3, 10.0, 1.1],
    }
    return pd.DataFrame({**base, **columns})


@pytest.fixture(scope="module")
def planted_warehouse(tmp_path_factory):
    """A warehouse holding only a member_features table of four well-separated planted personas."""
    path = tmp_path_factory.mktemp("choose_k") / "warehouse.duckdb"
    members = planted_features(n_per_persona=300).drop(columns="planted_persona")
    with duckdb.connect(str(path)) as warehouse:
        warehouse.register("members", members)
        warehouse.execute("create table member_features as select * from members")
    return path


@pytest.fixture(scope="module")
def choose_k_run(planted_warehouse):
    chart = planted_warehouse.with_name("chart.png")
    main(
        [
            "--warehouse",
            str(planted_warehouse),
            "--project-file",
            str(REPO_ROOT / "dbt_project.yml"),
            "--chart",
            str(chart),
        ]
    )
    with duckdb.connect(str(planted_warehouse), read_only=True) as warehouse:
        table = warehouse.sql(f"select *, typeof(as_of_date) as as_of_date_type from {EVIDENCE_TABLE} order by k").df()
    return table, chart


def test_identical_clusterings_under_other_labels_have_jaccard_one():
    labels = np.array([0, 0, 1, 1, 2, 2])

    assert matched_jaccard(labels, (labels + 1) % 3, k=3) == 1.0


def test_jaccard_is_the_mean_over_matched_clusters():
    # Cluster 0 = {0,1} vs {0}: 1/2; cluster 1 = {2,3} vs {1,2,3}: 2/3.
    assert matched_jaccard(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), k=2) == pytest.approx((1 / 2 + 2 / 3) / 2)


def test_elbow_strength_is_the_fall_to_k_over_the_fall_to_the_next_k():
    strength = elbow_strength(pd.Series({2: 100.0, 3: 60.0, 4: 50.0}))

    assert np.isnan(strength[2])
    assert strength[3] == pytest.approx(4.0)
    assert np.isnan(strength[4])


def test_recommends_the_stable_k_with_the_sharpest_elbow():
    k, reasons = recommend_k(evidence())

    assert k == 4
    assert "k=4 is the sharpest elbow" in reasons


def test_an_unstable_k_is_not_recommended_however_sharp_its_elbow():
    k, reasons = recommend_k(evidence(stability=[1.0, 0.99, 0.6, 0.97], elbow_strength=[np.nan, 2.0, 10.0, 1.1]))

    assert k == 3
    assert "unstable (bootstrap Jaccard < 0.85): k=4" in reasons


def test_without_a_sharp_elbow_the_smallest_stable_k_is_recommended():
    k, reasons = recommend_k(evidence(elbow_strength=[np.nan, 1.2, 1.1, 1.0]))

    assert k == 2
    assert "no structure beyond" in reasons


def test_without_any_stable_k_the_most_stable_is_tentative():
    k, reasons = recommend_k(evidence(stability=[0.5, 0.7, 0.6, 0.4]))

    assert k == 3
    assert "tentative" in reasons


def test_two_planted_groups_give_k_two():
    rng = np.random.default_rng(3)
    scaled = np.vstack([rng.normal(-3, 1, size=(400, 3)), rng.normal(3, 1, size=(400, 3))])

    k, _ = recommend_k(evaluate_ks(scaled, KSearchSettings(n_resamples=3, n_init=3), ks=(2, 3, 4, 5)))

    assert k == 2


def test_the_questions_features_come_from_the_project_vars():
    settings = settings_from_project(REPO_ROOT / "dbt_project.yml", None)

    assert settings.question == "consumer_engagement"
    assert settings.features == FEATURES


def test_an_unknown_question_is_an_error_naming_the_var():
    with pytest.raises(SegmentationConfigError, match="var segmentation_question: 'retention'"):
        settings_from_project(REPO_ROOT / "dbt_project.yml", "retention")


def test_choose_k_recommends_the_four_planted_personas(choose_k_run):
    table, _ = choose_k_run

    assert list(table["k"]) == list(range(2, 9))
    assert table.loc[table["recommended"], "k"].tolist() == [4]
    assert table["recommendation"].iloc[0].startswith("k=4 is the sharpest elbow")
    assert set(table["segmentation_question"]) == {"consumer_engagement"}
    assert set(table["as_of_date"]) == {pd.Timestamp(date(2025, 12, 31))}
    assert set(table["as_of_date_type"]) == {"DATE"}
    assert table[["inertia", "silhouette", "stability"]].notna().all().all()
    assert table["inertia"].is_monotonic_decreasing


def test_choose_k_writes_its_chart(choose_k_run):
    _, chart = choose_k_run

    assert chart.read_bytes()[:8] == PNG_SIGNATURE


def test_choose_k_replaces_its_earlier_rows_and_leaves_member_features_alone(planted_warehouse, choose_k_run):
    table, chart = choose_k_run
    main(
        [
            "--warehouse",
            str(planted_warehouse),
            "--chart",
            str(chart),
            "--project-file",
            str(REPO_ROOT / "dbt_project.yml"),
        ]
    )

    with duckdb.connect(str(planted_warehouse), read_only=True) as warehouse:
        rerun = warehouse.sql(f"select count(*) as n from {EVIDENCE_TABLE}").df()
        members = warehouse.sql("select count(*) as n from member_features").df()
    assert rerun.loc[0, "n"] == len(table)
    assert members.loc[0, "n"] == 4 * 300

"""Refreshing a segmentation: warm-started refits, scoring with the previous run's model, and reading it back."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from types import SimpleNamespace

import duckdb
import numpy as np
import pandas as pd
import pytest
from member_segmentation.history import CENTROID_HISTORY_TABLE, previous_run_centroids
from member_segmentation.pipeline import (
    SegmentationHistoryError,
    assign_members_to_segments,
    describe_segmentation_run,
    fit_segment_centroids,
    fitted_model,
    refresh_segment_centroids,
    transform_mismatch,
    warm_start_centroids,
)
from member_segmentation.preprocessing import to_original_units
from member_segmentation.settings import SegmentationConfigError, SegmentationSettings, settings_from_config

from tests.support import COUNT_FEATURES, FEATURES, MODEL_COLUMNS, planted_features

NEXT_MONTH = pd.Timestamp("2026-01-31")


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return planted_features(n_per_persona=500)


@pytest.fixture(scope="module")
def seeds(personas, persona_profiles) -> tuple[pd.DataFrame, pd.DataFrame]:
    return personas, persona_profiles


@pytest.fixture(scope="module")
def first_run(planted, personas, persona_profiles) -> pd.DataFrame:
    settings = settings_from_config(
        {
            "question": "consumer_engagement",
            "questions": {
                "consumer_engagement": {"features": list(FEATURES), "n_segments": 4},
            },
            "kmeans_random_state": 42,
            "kmeans_n_init": 10,
        }
    )
    return fit_segment_centroids(planted, personas, persona_profiles, settings)


@pytest.fixture(scope="module")
def earlier_version_run(planted, personas, persona_profiles) -> pd.DataFrame:
    """A run as versions before configurable transforms wrote it to segment_centroid_history: log1p on the
    counts (log1p_applied), no clipping, and no feature_transform, transform_lambda or clip columns."""
    log1p = SegmentationSettings(
        question="consumer_engagement",
        features=FEATURES,
        log1p_features=COUNT_FEATURES,
        n_segments=4,
        random_state=42,
        n_init=10,
        transform="log1p",
        clip_quantile=None,
    )
    run = fit_segment_centroids(planted, personas, persona_profiles, log1p)
    return run.drop(columns=["feature_transform", "transform_lambda", "clip_lower", "clip_upper"])


def next_month(members: pd.DataFrame) -> pd.DataFrame:
    """The same members a month later, a tenth of them with other activity counts (their rows shuffled)."""
    later = members.assign(as_of_date=NEXT_MONTH)
    changed = later.sample(frac=0.1, random_state=5).index
    rng = np.random.default_rng(5)
    for column in ("claims", "portal_logins", "email_opens", "call_center"):
        later.loc[changed, column] = rng.permutation(later.loc[changed, column].to_numpy())
    return later


def test_warm_start_maps_the_previous_centroids_into_the_new_scaling(first_run):
    _, previous_centroids, previous_scaling = fitted_model(first_run)
    wider = dataclasses.replace(
        previous_scaling, center=previous_scaling.center + 1.0, scale=previous_scaling.scale * 2
    )
    other_lambdas = dataclasses.replace(previous_scaling, lambdas=previous_scaling.lambdas + 0.1)

    mapped = warm_start_centroids(first_run, wider)

    np.testing.assert_allclose(warm_start_centroids(first_run, previous_scaling), previous_centroids, atol=1e-12)
    np.testing.assert_allclose(
        mapped * wider.scale + wider.center, previous_centroids * previous_scaling.scale + previous_scaling.center
    )
    # Through the features' own units: the same centroid, whatever lambdas this run fitted.
    np.testing.assert_allclose(
        to_original_units(warm_start_centroids(first_run, other_lambdas), other_lambdas),
        to_original_units(previous_centroids, previous_scaling),
    )


def test_a_refit_on_unchanged_members_starts_from_and_stays_at_the_previous_centroids(
    planted, first_run, personas, persona_profiles, default_settings
):
    refit = fit_segment_centroids(
        planted.assign(as_of_date=NEXT_MONTH), personas, persona_profiles, default_settings, previous=first_run
    )

    assert set(refit["centroids_from_as_of_date"]) == {date(2025, 12, 31)}
    assert set(refit["refresh_mode"]) == {"refit"}
    np.testing.assert_allclose(refit["centroid_scaled"], first_run["centroid_scaled"], atol=1e-9)
    np.testing.assert_array_equal(refit["segment_id"], first_run["segment_id"])


def test_a_warm_started_refit_keeps_personas_and_most_members_in_place(
    planted, first_run, personas, persona_profiles, default_settings
):
    later = next_month(planted)
    before = assign_members_to_segments(planted, first_run).set_index("member_id")["segment_id"]

    refit = fit_segment_centroids(later, personas, persona_profiles, default_settings, previous=first_run)
    after = assign_members_to_segments(later, refit).set_index("member_id")["segment_id"]

    unchanged = before.index.difference(later.loc[later.sample(frac=0.1, random_state=5).index, "member_id"])
    assert (before != after).mean() < 0.1
    assert (before[unchanged] == after[unchanged]).mean() > 0.99
    assert np.abs(refit["centroid_scaled"] - first_run["centroid_scaled"]).max() < 0.5


@pytest.mark.parametrize(
    "mismatch",
    [
        ({"n_segments": 3}, "had 4 segments"),
        ({"features": ("age", "claims", "call_center")}, "clustered on"),
    ],
)
def test_a_refit_of_another_feature_set_or_k_starts_from_scratch_and_score_refuses(
    mismatch, planted, first_run, seeds, default_settings
):
    change, reason = mismatch
    settings = dataclasses.replace(default_settings, **change)

    refit = fit_segment_centroids(planted, *seeds, settings, previous=first_run)

    assert refit["centroids_from_as_of_date"].isna().all()
    with pytest.raises(SegmentationHistoryError, match=reason):
        refresh_segment_centroids(planted, *seeds, dataclasses.replace(settings, refresh_mode="score"), first_run)


def test_a_refit_with_another_transform_than_the_previous_run_starts_fresh(
    planted, first_run, earlier_version_run, seeds, default_settings
):
    log1p = dataclasses.replace(default_settings, transform="log1p", log1p_features=COUNT_FEATURES)

    refit_after_log1p = fit_segment_centroids(planted, *seeds, default_settings, previous=earlier_version_run)
    refit_after_yeo_johnson = fit_segment_centroids(planted, *seeds, log1p, previous=first_run)

    assert refit_after_log1p["centroids_from_as_of_date"].isna().all()
    assert set(refit_after_log1p["feature_transform"]) == {"yeo_johnson"}
    assert refit_after_yeo_johnson["centroids_from_as_of_date"].isna().all()
    assert "transformed the features with log1p, the question now with yeo_johnson" in transform_mismatch(
        earlier_version_run, default_settings
    )


def test_score_keeps_the_transform_of_a_model_an_earlier_version_fitted(
    planted, earlier_version_run, seeds, default_settings
):
    later = next_month(planted)
    scoring = dataclasses.replace(default_settings, refresh_mode="score")

    scored = refresh_segment_centroids(later, *seeds, scoring, earlier_version_run)
    run = describe_segmentation_run(
        assign_members_to_segments(later, scored), scored, scoring, recorded_at=datetime(2026, 2, 1, tzinfo=UTC)
    ).iloc[0]

    expected = ["log1p" if name in COUNT_FEATURES else "none" for name in FEATURES] * 4
    assert list(scored["feature_transform"]) == expected
    assert scored["clip_lower"].isna().all()
    pd.testing.assert_frame_equal(
        assign_members_to_segments(later, scored), assign_members_to_segments(later, earlier_version_run)
    )
    assert (run["transform"], run["transform_lambdas"]) == ("log1p", "")
    assert pd.isna(run["clip_quantile"])  # the earlier version clipped nothing


def test_score_reuses_the_previous_scaling_and_centroids_exactly(
    planted, first_run, personas, persona_profiles, default_settings
):
    later = next_month(planted)
    scoring = dataclasses.replace(default_settings, refresh_mode="score")

    scored = refresh_segment_centroids(later, personas, persona_profiles, scoring, first_run)

    columns = [*MODEL_COLUMNS, "centroid_value"]
    pd.testing.assert_frame_equal(scored[columns], first_run[columns])
    assert set(scored["as_of_date"]) == {NEXT_MONTH.date()}
    assert set(scored["refresh_mode"]) == {"score"}
    assert set(scored["centroids_from_as_of_date"]) == {date(2025, 12, 31)}


def test_in_score_mode_no_member_whose_features_did_not_change_changes_segment(
    planted, first_run, personas, persona_profiles, default_settings
):
    later = next_month(planted)
    newcomer = planted.head(1).assign(member_id="NEW", as_of_date=NEXT_MONTH)
    scoring = dataclasses.replace(default_settings, refresh_mode="score")

    scored = refresh_segment_centroids(pd.concat([later, newcomer]), personas, persona_profiles, scoring, first_run)
    before = assign_members_to_segments(planted, first_run).set_index("member_id")["segment_id"]
    after = assign_members_to_segments(pd.concat([later, newcomer]), scored).set_index("member_id")["segment_id"]

    same_features = (
        later.set_index("member_id")[list(FEATURES)] == planted.set_index("member_id")[list(FEATURES)]
    ).all(axis=1)
    assert same_features.sum() > 0.85 * len(planted)
    assert (after[same_features[same_features].index] == before[same_features[same_features].index]).all()
    assert after["NEW"] == before[planted.loc[0, "member_id"]]


def test_score_without_a_previous_run_says_to_refit_first(planted, personas, persona_profiles, default_settings):
    scoring = dataclasses.replace(default_settings, refresh_mode="score")

    with pytest.raises(SegmentationHistoryError, match=r"no earlier run .* refresh_mode refit"):
        refresh_segment_centroids(planted, personas, persona_profiles, scoring, previous=None)


def test_a_first_refit_uses_k_means_plus_plus(planted, personas, persona_profiles, default_settings):
    first = refresh_segment_centroids(planted, personas, persona_profiles, default_settings, previous=None)

    assert first["centroids_from_as_of_date"].isna().all()
    assert set(first["refresh_mode"]) == {"refit"}


def test_a_scored_run_records_that_it_fitted_nobody(planted, first_run, personas, persona_profiles, default_settings):
    scoring = dataclasses.replace(default_settings, refresh_mode="score")
    later = next_month(planted)
    scored = refresh_segment_centroids(later, personas, persona_profiles, scoring, first_run)

    run = describe_segmentation_run(
        assign_members_to_segments(later, scored), scored, scoring, recorded_at=datetime(2026, 2, 1, tzinfo=UTC)
    ).iloc[0]

    assert run["refresh_mode"] == "score"
    assert run["members_fitted"] == 0
    assert run["as_of_date"] == NEXT_MONTH.date()
    assert run["centroids_from_as_of_date"] == date(2025, 12, 31)


@pytest.mark.parametrize(("value", "mode"), [(None, "refit"), ("score", "score"), (" Refit ", "refit")])
def test_refresh_mode_comes_from_the_config(value, mode):
    config = {
        "question": "q",
        "questions": {"q": {"features": ["age"], "n_segments": 2}},
        "kmeans_random_state": 1,
        "kmeans_n_init": 1,
        "refresh_mode": value,
    }

    assert settings_from_config(config).refresh_mode == mode


def test_an_unknown_refresh_mode_is_an_error_naming_the_var():
    config = {
        "question": "q",
        "questions": {"q": {"features": ["age"], "n_segments": 2}},
        "kmeans_random_state": 1,
        "kmeans_n_init": 1,
        "refresh_mode": "rescore",
    }

    with pytest.raises(SegmentationConfigError, match="var refresh_mode: must be one of"):
        settings_from_config(config)


# --- reading the previous run back from the warehouse -------------------------------------------------------


@pytest.fixture
def warehouse():
    with duckdb.connect(":memory:") as connection:
        yield connection


THIS = SimpleNamespace(database="memory", schema="main")


def write_history(connection, first_run: pd.DataFrame, runs: dict[str, str]) -> None:
    """segment_centroid_history holding first_run's rows once per as-of date, for the given questions."""
    frames = [first_run.assign(as_of_date=pd.Timestamp(day), segmentation_question=q) for day, q in runs.items()]
    history = pd.concat(frames, ignore_index=True).astype({"centroids_from_as_of_date": "datetime64[us]"})
    connection.register("history_frame", history)
    connection.execute(f"create table {CENTROID_HISTORY_TABLE} as select * from history_frame")


def test_a_warehouse_without_history_has_no_previous_run(warehouse):
    assert previous_run_centroids(warehouse, THIS, date(2025, 12, 31), "consumer_engagement") is None


def test_the_previous_run_is_the_latest_earlier_date_of_the_same_question(warehouse, first_run):
    write_history(
        warehouse,
        first_run,
        {
            "2025-10-31": "consumer_engagement",
            "2025-11-30": "high_utilizers",
            "2025-12-31": "consumer_engagement",
            "2026-01-31": "consumer_engagement",
        },
    )

    def previous(day: date) -> date | None:
        rows = previous_run_centroids(warehouse, THIS, day, "consumer_engagement")
        return None if rows is None else pd.Timestamp(rows["as_of_date"].iloc[0]).date()

    assert previous(date(2025, 10, 31)) is None
    assert previous(date(2025, 12, 31)) == date(2025, 10, 31)  # re-building a date never starts from itself
    assert previous(date(2025, 12, 15)) == date(2025, 10, 31)
    assert previous(date(2026, 1, 31)) == date(2025, 12, 31)  # later dates are ignored
    rows = previous_run_centroids(warehouse, THIS, date(2026, 1, 31), "consumer_engagement")
    assert len(rows) == len(first_run)
    np.testing.assert_allclose(fitted_model(rows)[1], fitted_model(first_run)[1])


def test_a_history_in_another_schema_is_not_this_warehouses(warehouse, first_run):
    write_history(warehouse, first_run, {"2025-10-31": "consumer_engagement"})

    assert (
        previous_run_centroids(
            warehouse, SimpleNamespace(database="memory", schema="other"), date(2026, 1, 31), "consumer_engagement"
        )
        is None
    )

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from member_segmentation.personas import rows_for_question
from member_segmentation.pipeline import (
    as_of_date_of,
    assign_members_to_segments,
    describe_segmentation_run,
    fit_segment_centroids,
    scaled_member_features,
)
from member_segmentation.preprocessing import FeatureDataError
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import PowerTransformer

from tests.support import FEATURES, planted_features


def segment(members, personas, persona_profiles, settings) -> pd.DataFrame:
    centroids = fit_segment_centroids(members, personas, persona_profiles, settings)
    named = rows_for_question(personas, "personas", settings.question)
    return assign_members_to_segments(members, centroids).merge(named, on="segment_id")


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return planted_features(n_per_persona=500)


def test_default_pipeline_recovers_planted_personas_by_name(planted, personas, persona_profiles, default_settings):
    assigned = segment(planted, personas, persona_profiles, default_settings)
    truth = planted.set_index("member_id")["planted_persona"]
    found = assigned.set_index("member_id")["persona"].reindex(truth.index)

    assert adjusted_rand_score(truth, found) >= 0.95
    assert (truth == found).mean() >= 0.97


def test_centroids_fitted_on_a_sample_segment_the_whole_plan_like_a_full_fit(
    planted, personas, persona_profiles, default_settings
):
    full = segment(planted, personas, persona_profiles, default_settings)
    sample_centroids = fit_segment_centroids(
        planted.sample(400, random_state=1), personas, persona_profiles, default_settings
    )
    from_sample = assign_members_to_segments(planted, sample_centroids).merge(
        rows_for_question(personas, "personas", default_settings.question), on="segment_id"
    )
    truth = planted.set_index("member_id")["planted_persona"]

    assert (from_sample.set_index("member_id")["persona"].reindex(truth.index) == truth).mean() >= 0.97
    assert (from_sample["segment_id"] == full["segment_id"]).mean() >= 0.99


def test_shuffled_input_rows_give_every_member_the_same_segment(planted, personas, persona_profiles, default_settings):
    in_order = segment(planted, personas, persona_profiles, default_settings)
    shuffled = segment(planted.sample(frac=1, random_state=3), personas, persona_profiles, default_settings)

    pd.testing.assert_frame_equal(in_order, shuffled)


def test_thread_count_does_not_change_any_members_segment(planted, personas, persona_profiles, default_settings):
    one_thread = segment(planted, personas, persona_profiles, default_settings)
    two_threads = segment(planted, personas, persona_profiles, dataclasses.replace(default_settings, n_threads=2))

    pd.testing.assert_series_equal(one_thread["segment_id"], two_threads["segment_id"])


def test_centroids_table_has_one_row_per_segment_and_feature(planted, personas, persona_profiles, default_settings):
    centroids = fit_segment_centroids(planted, personas, persona_profiles, default_settings)

    assert len(centroids) == 4 * len(FEATURES)
    assert not centroids.duplicated(["segment_id", "feature"]).any()
    assert list(centroids.loc[centroids["segment_id"] == 1, "feature"]) == list(FEATURES)


def test_members_are_assigned_with_the_persisted_model_not_a_refit(
    planted, personas, persona_profiles, default_settings
):
    centroids = fit_segment_centroids(planted, personas, persona_profiles, default_settings)
    newcomer = planted.head(1).assign(
        member_id="NEW",
        age=60,
        premium=40.0,
        deductible=800.0,
        claims=20,
        portal_logins=18,
        email_opens=18,
        call_center=5,
    )

    assigned = assign_members_to_segments(newcomer, centroids).merge(
        rows_for_question(personas, "personas", default_settings.question), on="segment_id"
    )

    assert assigned.loc[0, "persona"] == "Care Management Members"


def test_scaled_member_features_are_z_scores_of_the_members_the_model_was_fitted_on(
    planted, personas, persona_profiles, default_settings
):
    centroids = fit_segment_centroids(planted, personas, persona_profiles, default_settings)

    scaled = scaled_member_features(planted, centroids)

    assert scaled.shape == (len(planted), len(FEATURES))
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(scaled.std(axis=0), 1)
    # claims as scikit-learn's standardized Yeo-Johnson PowerTransformer sees them after clipping to the
    # fit sample's 0.5% and 99.5% quantiles (the defaults).
    claims = planted[["claims"]].to_numpy(dtype="float64")
    clipped = np.clip(claims, *np.quantile(claims, [0.005, 0.995]))
    reference = PowerTransformer(method="yeo-johnson", standardize=True).fit_transform(clipped)[:, 0]
    # (the lambda agrees to the optimizer's tolerance, so the z-scores to 1e-6: test_preprocessing)
    np.testing.assert_allclose(scaled[:, FEATURES.index("claims")], reference, rtol=0, atol=1e-6)


def test_run_record_reports_inertia_as_the_sum_of_squared_distances(
    planted, personas, persona_profiles, default_settings
):
    centroids = fit_segment_centroids(planted, personas, persona_profiles, default_settings)
    assigned = assign_members_to_segments(planted, centroids)

    run = describe_segmentation_run(
        assigned, centroids, default_settings, recorded_at=datetime(2026, 1, 5, 6, tzinfo=UTC)
    ).iloc[0]

    assert run["members_segmented"] == len(planted)
    assert run["members_fitted"] == len(planted)
    assert run["recorded_at"] == pd.Timestamp("2026-01-05 06:00:00")
    assert run["inertia"] == pytest.approx((assigned["distance_to_centroid"] ** 2).sum())
    assert run["features"] == ",".join(FEATURES)
    assert run["log1p_features"] == ""
    assert run["transform"] == "yeo_johnson"
    assert run["transform_lambdas"].startswith("age=")
    assert run["clip_quantile"] == 0.995
    assert run["scikit_learn_version"].startswith("1.9")


def test_no_active_members_is_a_clear_error(planted, personas, persona_profiles, default_settings):
    with pytest.raises(FeatureDataError, match="no member has coverage active on the as-of date"):
        fit_segment_centroids(planted.head(0), personas, persona_profiles, default_settings)
    # The model asks for the as-of date first (to find the previous run): an empty mart says the same there.
    with pytest.raises(FeatureDataError, match="no member has coverage active on the as-of date"):
        as_of_date_of(planted.head(0))


def test_fewer_members_than_segments_is_a_clear_error(planted, personas, persona_profiles, default_settings):
    with pytest.raises(FeatureDataError, match="3 active members cannot form var n_segments=4 segments"):
        fit_segment_centroids(planted.head(3), personas, persona_profiles, default_settings)


def test_duplicate_member_rows_are_an_error_counting_them_without_naming_a_member(
    planted, personas, persona_profiles, default_settings
):
    doubled = pd.concat([planted, planted.head(1)])

    with pytest.raises(FeatureDataError, match=r"member_features\.member_id: 1 member ids appear more than once"):
        fit_segment_centroids(doubled, personas, persona_profiles, default_settings)

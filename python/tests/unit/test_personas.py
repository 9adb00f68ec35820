from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from member_segmentation.personas import (
    PersonaConfigError,
    match_clusters_to_personas,
    profile_mismatch,
    profile_targets,
    rows_for_question,
)

from tests.support import FEATURES


def test_targets_follow_the_seed_levels_and_leave_unlisted_features_open(engagement_personas, engagement_profiles):
    targets = profile_targets(engagement_personas, engagement_profiles, FEATURES)

    care_management = targets.loc[2]
    assert care_management["claims"] == 1.0
    assert care_management["age"] == 1.0
    assert np.isnan(care_management["premium"])
    assert targets.loc[1, "portal_logins"] == -1.0


def test_matching_follows_the_centroids_not_their_order(engagement_personas, engagement_profiles):
    targets = profile_targets(engagement_personas, engagement_profiles, FEATURES)
    centroids = np.nan_to_num(targets.to_numpy()) * 1.5  # each cluster an exaggerated version of one persona

    for permutation in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
        segment_ids = match_clusters_to_personas(centroids[permutation], targets)
        np.testing.assert_array_equal(segment_ids, targets.index.to_numpy()[permutation])


def test_mismatch_is_a_mean_over_the_features_a_persona_lists():
    targets = pd.DataFrame([[1.0, np.nan]], index=pd.Index([1], name="segment_id"), columns=["a", "b"])

    mismatch = profile_mismatch(np.array([[3.0, 100.0]]), targets)

    assert mismatch[0, 0] == 4.0


def test_fewer_clusters_than_personas_get_distinct_personas(engagement_personas, engagement_profiles):
    targets = profile_targets(engagement_personas, engagement_profiles, FEATURES)
    centroids = np.nan_to_num(targets.to_numpy())[[1, 3]]

    np.testing.assert_array_equal(match_clusters_to_personas(centroids, targets), [2, 4])


def test_more_clusters_than_personas_is_an_error_naming_both_numbers(engagement_personas, engagement_profiles):
    targets = profile_targets(engagement_personas, engagement_profiles, FEATURES)

    with pytest.raises(PersonaConfigError, match="var n_segments is 5 but seed personas defines only 4 personas"):
        match_clusters_to_personas(np.zeros((5, len(FEATURES))), targets)


def test_unknown_level_in_profiles_is_an_error_naming_the_seed_column(engagement_personas, engagement_profiles):
    broken = engagement_profiles.assign(
        expected_level=engagement_profiles["expected_level"].replace("high", "very high")
    )

    with pytest.raises(PersonaConfigError, match=r"persona_profiles, column expected_level: \['very high'\]"):
        profile_targets(engagement_personas, broken, FEATURES)


def test_profile_for_an_unknown_persona_is_an_error(engagement_personas, engagement_profiles):
    broken = pd.concat(
        [engagement_profiles, pd.DataFrame([{"persona": "Ghosts", "feature": "age", "expected_level": "low"}])]
    )

    with pytest.raises(PersonaConfigError, match=r"column persona: \['Ghosts'\] are not in seed personas"):
        profile_targets(engagement_personas, broken, FEATURES)


def test_only_the_configured_questions_rows_are_used(personas):
    rows = rows_for_question(personas, "personas", "consumer_engagement")

    assert "segmentation_question" not in rows.columns
    assert set(rows["persona"]) == {
        "Digital Learners",
        "Care Management Members",
        "Highly Engaged Users",
        "Cost Sensitive Members",
    }


def test_a_question_without_personas_is_an_error_naming_the_seed_and_the_var(personas):
    with pytest.raises(PersonaConfigError, match=r"seed personas: no rows for segmentation_question 'retention'"):
        rows_for_question(personas, "personas", "retention")


def test_a_persona_without_a_target_on_any_clustered_feature_is_an_error(engagement_personas, engagement_profiles):
    only_claims = engagement_profiles[engagement_profiles["feature"] == "claims"]

    with pytest.raises(PersonaConfigError, match=r"\['Cost Sensitive Members'\] have no expected_level"):
        profile_targets(engagement_personas, only_claims, FEATURES)

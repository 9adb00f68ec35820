from __future__ import annotations

import pytest

from member_segmentation.settings import SegmentationConfigError, settings_from_config

CONFIG = {
    "features": ["age", "claims"],
    "log1p_features": ["claims"],
    "n_segments": 4,
    "kmeans_random_state": 42,
    "kmeans_n_init": 10,
    "kmeans_n_threads": 1,
    "kmeans_fit_sample_size": 100000,
}


def test_settings_come_from_the_segmentation_config_of_the_model():
    settings = settings_from_config(CONFIG)

    assert settings.features == ("age", "claims")
    assert settings.log1p_features == frozenset({"claims"})
    assert (settings.n_segments, settings.random_state, settings.n_init, settings.n_threads) == (4, 42, 10, 1)
    assert settings.fit_sample_size == 100000


@pytest.mark.parametrize("unset", [None, "", "none", "null"])
def test_an_unset_fit_sample_size_means_fit_on_every_member(unset):
    assert settings_from_config({**CONFIG, "kmeans_fit_sample_size": unset}).fit_sample_size is None


def test_a_comma_separated_feature_list_from_the_command_line_is_accepted():
    settings = settings_from_config({**CONFIG, "features": "age, claims", "log1p_features": ""})

    assert settings.features == ("age", "claims")
    assert settings.log1p_features == frozenset()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            {"log1p_features": ["email_opens"]},
            r"var log1p_features: \['email_opens'\] are not in segmentation_features",
        ),
        ({"features": ["age", "age"]}, "var segmentation_features: each feature may appear once"),
        ({"features": []}, "var segmentation_features: list at least one"),
        ({"n_segments": 1}, "var n_segments: must be at least 2, got 1"),
        ({"n_segments": "four"}, "var n_segments: expected a whole number, got 'four'"),
        ({"kmeans_n_init": 0}, "var kmeans_n_init: must be at least 1"),
        ({"kmeans_n_threads": 0}, "var kmeans_n_threads: must be at least 1"),
        ({"kmeans_fit_sample_size": 3}, r"var kmeans_fit_sample_size: must be at least n_segments \(4\)"),
    ],
)
def test_inconsistent_settings_are_errors_naming_the_var(override, message):
    with pytest.raises(SegmentationConfigError, match=message):
        settings_from_config({**CONFIG, **override})


def test_missing_config_says_where_to_set_it():
    with pytest.raises(SegmentationConfigError, match=r"_segments__models\.yml"):
        settings_from_config(None)

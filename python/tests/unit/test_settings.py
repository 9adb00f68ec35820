from __future__ import annotations

import pytest
from member_segmentation.settings import SegmentationConfigError, settings_from_config

QUESTIONS = {
    "engagement": {"features": ["age", "claims"], "transform": "log1p", "log1p_features": ["claims"], "n_segments": 4},
    "utilization": {"features": ["claims", "call_center"], "n_segments": 3},
}
CONFIG = {
    "question": "engagement",
    "questions": QUESTIONS,
    "n_segments": None,
    "kmeans_random_state": 42,
    "kmeans_n_init": 10,
    "kmeans_n_threads": 1,
    "kmeans_fit_sample_size": 100000,
}


def with_question(**overrides) -> dict:
    """CONFIG with some settings of the engagement question replaced."""
    return {**CONFIG, "questions": {**QUESTIONS, "engagement": {**QUESTIONS["engagement"], **overrides}}}


def test_settings_come_from_the_segmentation_config_of_the_model():
    settings = settings_from_config(CONFIG)

    assert settings.question == "engagement"
    assert settings.features == ("age", "claims")
    assert settings.log1p_features == frozenset({"claims"})
    assert settings.feature_transforms == ("none", "log1p")
    assert (settings.n_segments, settings.random_state, settings.n_init, settings.n_threads) == (4, 42, 10, 1)
    assert settings.fit_sample_size == 100000


def test_the_configured_question_picks_features_transforms_and_k():
    settings = settings_from_config({**CONFIG, "question": "utilization"})

    assert settings.question == "utilization"
    assert settings.features == ("claims", "call_center")
    assert settings.n_segments == 3


def test_a_question_without_a_transform_takes_yeo_johnson_on_every_feature_clipped_at_0_995():
    settings = settings_from_config({**CONFIG, "question": "utilization"})

    assert settings.transform == "yeo_johnson"
    assert settings.feature_transforms == ("yeo_johnson", "yeo_johnson")
    assert settings.clip_quantile == 0.995


@pytest.mark.parametrize("unset", [None, "null", "none"])
def test_the_source_recipe_is_transform_none_without_clipping(unset):
    settings = settings_from_config(with_question(transform="None", log1p_features=[], clip_quantile=unset))

    assert settings.feature_transforms == ("none", "none")
    assert settings.clip_quantile is None


@pytest.mark.parametrize("n_segments", [5, "5"])
def test_var_n_segments_overrides_the_questions_k(n_segments):
    assert settings_from_config({**CONFIG, "n_segments": n_segments}).n_segments == 5


@pytest.mark.parametrize("unset", [None, "", "none", "null"])
def test_an_unset_fit_sample_size_means_fit_on_every_member(unset):
    assert settings_from_config({**CONFIG, "kmeans_fit_sample_size": unset}).fit_sample_size is None


def test_a_comma_separated_feature_list_from_the_command_line_is_accepted():
    settings = settings_from_config(with_question(features="age, claims", log1p_features=""))

    assert settings.features == ("age", "claims")
    assert settings.log1p_features == frozenset()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            {"log1p_features": ["email_opens"]},
            r"var segmentation_questions\.engagement\.log1p_features: \['email_opens'\] are not in its features",
        ),
        (
            {"features": ["age", "age"]},
            r"var segmentation_questions\.engagement\.features: each feature may appear once",
        ),
        ({"features": []}, r"var segmentation_questions\.engagement\.features: list at least one"),
        (
            {"transform": "box_cox"},
            r"var segmentation_questions\.engagement\.transform: must be one of \['yeo_johnson', 'log1p', 'none'\]",
        ),
        (
            {"transform": "yeo_johnson"},
            r"var segmentation_questions\.engagement\.log1p_features: only used with transform log1p",
        ),
        ({"clip_quantile": 0.4}, r"var segmentation_questions\.engagement\.clip_quantile: must be above 0\.5"),
        ({"clip_quantile": 1}, r"var segmentation_questions\.engagement\.clip_quantile: must be above 0\.5"),
        ({"clip_quantile": "high"}, r"var segmentation_questions\.engagement\.clip_quantile: expected a number"),
        (
            {"n_segments": 1},
            r"var n_segments \(or var segmentation_questions\.engagement\.n_segments\): must be at least 2",
        ),
        ({"n_segments": "four"}, r"var segmentation_questions\.engagement\.n_segments: expected a whole number"),
    ],
)
def test_an_inconsistent_question_is_an_error_naming_the_var(override, message):
    with pytest.raises(SegmentationConfigError, match=message):
        settings_from_config(with_question(**override))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"n_segments": "four"}, "var n_segments: expected a whole number, got 'four'"),
        ({"kmeans_n_init": 0}, "var kmeans_n_init: must be at least 1"),
        ({"kmeans_n_threads": 0}, "var kmeans_n_threads: must be at least 1"),
        ({"kmeans_fit_sample_size": 3}, r"var kmeans_fit_sample_size: must be at least n_segments \(4\)"),
        ({"question": "retention"}, r"var segmentation_question: 'retention' is not one of var segmentation_questions"),
        ({"questions": None}, "var segmentation_questions: expected a mapping of question name to settings"),
    ],
)
def test_inconsistent_settings_are_errors_naming_the_var(override, message):
    with pytest.raises(SegmentationConfigError, match=message):
        settings_from_config({**CONFIG, **override})


def test_missing_config_says_where_to_set_it():
    with pytest.raises(SegmentationConfigError, match=r"_segments__models\.yml"):
        settings_from_config(None)

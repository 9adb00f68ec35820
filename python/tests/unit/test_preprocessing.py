from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from member_segmentation.preprocessing import (
    FeatureDataError,
    feature_matrix,
    fit_scaling,
    scale,
    to_original_units,
)


def members(**columns: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"member_id": [f"M{i}" for i in range(len(next(iter(columns.values()))))], **columns})


def test_log1p_is_applied_only_to_configured_features():
    matrix = feature_matrix(members(age=[30.0, 40.0], claims=[0.0, 9.0]), ["age", "claims"], {"claims"})

    np.testing.assert_allclose(matrix, [[30.0, 0.0], [40.0, np.log(10.0)]])


def test_scaling_is_standard_scaling_with_population_deviation():
    matrix = np.array([[1.0, 10.0], [3.0, 30.0]])
    scaling = fit_scaling(matrix, ["a", "b"], set())

    np.testing.assert_allclose(scaling.center, [2.0, 20.0])
    np.testing.assert_allclose(scaling.scale, [1.0, 10.0])
    np.testing.assert_allclose(scale(matrix, scaling), [[-1.0, -1.0], [1.0, 1.0]])


def test_original_units_undo_scaling_and_log1p():
    frame = members(age=[20.0, 50.0, 65.0], claims=[0.0, 4.0, 120.0])
    matrix = feature_matrix(frame, ["age", "claims"], {"claims"})
    scaling = fit_scaling(matrix, ["age", "claims"], {"claims"})

    np.testing.assert_allclose(to_original_units(scale(matrix, scaling), scaling), frame[["age", "claims"]])


def test_unknown_feature_names_the_column_and_what_exists():
    with pytest.raises(
        FeatureDataError, match=r"the question's features \['logins'\] are not columns of member_features"
    ):
        feature_matrix(members(age=[30.0]), ["age", "logins"], set())


def test_null_feature_is_an_error_naming_the_column_and_count():
    with pytest.raises(FeatureDataError, match=r"member_features\.premium: 1 members have no value"):
        feature_matrix(members(premium=[10.0, np.nan]), ["premium"], set())


def test_constant_feature_is_an_error_naming_it():
    matrix = np.array([[1.0, 5.0], [2.0, 5.0]])

    with pytest.raises(FeatureDataError, match=r"\['deductible'\] have the same value for every member"):
        fit_scaling(matrix, ["age", "deductible"], set())


def test_negative_value_is_log_transformed_mirrored_and_maps_back():
    """A net-negative paid amount (reversals exceeding payments) is valid: log1p of its size, negated."""
    matrix = feature_matrix(members(paid=[-80.0, 0.0, 80.0]), ["paid"], {"paid"})

    assert matrix[:, 0].tolist() == [-np.log1p(80.0), 0.0, np.log1p(80.0)]
    scaling = fit_scaling(matrix, ["paid"], {"paid"})
    assert to_original_units(scale(matrix, scaling), scaling)[:, 0] == pytest.approx([-80.0, 0.0, 80.0])

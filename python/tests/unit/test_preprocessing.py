from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from member_segmentation.preprocessing import (
    FeatureDataError,
    feature_matrix,
    fit_scaling,
    fitted_yeo_johnson_lambda,
    scale,
    to_original_units,
    yeo_johnson,
    yeo_johnson_inverse,
)
from sklearn.preprocessing import PowerTransformer

# Values and lambdas at the edges of Yeo-Johnson's branches: zero, tiny and huge values of both signs; lambda 0
# and 2 (the log forms), within and just beyond machine epsilon of them, and far from both.
EDGE_VALUES = np.array([0.0, 1e-12, 1e-6, 0.5, 1.0, 3.0, 173.0, 17856.72, 1e6, -1e-9, -0.5, -3.0, -1000.0])
EDGE_LAMBDAS = [0.0, 1e-17, 1e-12, 1e-6, 0.146, -0.19, 1.0, 1.5, 2 - 1e-12, 2.0, 2 + 1e-17, 2.5, -2.5]


def members(**columns: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"member_id": [f"M{i}" for i in range(len(next(iter(columns.values()))))], **columns})


def fitted_power_transformer(lmbda: float) -> PowerTransformer:
    """scikit-learn's own PowerTransformer with its lambda set, the reference the transform must equal."""
    transformer = PowerTransformer(method="yeo-johnson", standardize=False).fit(np.array([[0.0], [1.0], [2.0]]))
    transformer.lambdas_ = np.array([lmbda])
    return transformer


@pytest.mark.parametrize("lmbda", EDGE_LAMBDAS)
def test_yeo_johnson_equals_scikit_learns_power_transform_at_the_edges(lmbda):
    reference = fitted_power_transformer(lmbda).transform(EDGE_VALUES[:, None])[:, 0]

    np.testing.assert_array_equal(yeo_johnson(EDGE_VALUES, lmbda), reference)


@pytest.mark.parametrize("lmbda", [0.0, 0.146, -0.19, 1.0, 1.5, 2.0])
def test_yeo_johnson_inverse_recovers_the_values(lmbda):
    values = EDGE_VALUES[np.abs(EDGE_VALUES) < 1e5]

    np.testing.assert_allclose(yeo_johnson_inverse(yeo_johnson(values, lmbda), lmbda), values, rtol=1e-9, atol=1e-9)


def test_a_fitted_yeo_johnson_scaling_is_scikit_learns_standardized_power_transform():
    rng = np.random.default_rng(3)
    matrix = np.column_stack([rng.poisson(3, 500), rng.gamma(2, 300, 500), rng.normal(40, 9, 500)]).astype("float64")

    scaling = fit_scaling(matrix, ["claims", "premium", "age"], ["yeo_johnson"] * 3, clip_quantile=None)
    reference = PowerTransformer(method="yeo-johnson", standardize=True).fit(matrix)

    # The lambdas agree to the optimizer's tolerance (1.48e-8 relative), so the z-scores to far below a member's
    # rounding.
    np.testing.assert_allclose(scaling.lambdas, reference.lambdas_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(scale(matrix, scaling), reference.transform(matrix), rtol=0, atol=1e-6)


FIT_COLUMNS = {
    "counts": lambda rng: rng.poisson(2.5, 20_000),
    "mostly_zero_counts": lambda rng: rng.poisson(0.05, 20_000),
    "dollars": lambda rng: rng.gamma(2, 300, 20_000).round(2),
    "heavy_tail": lambda rng: rng.lognormal(5, 2, 20_000),
    "negative": lambda rng: -rng.lognormal(2, 1, 20_000),
    "both_signs": lambda rng: rng.normal(-5, 20, 20_000),
    "two_values": lambda rng: rng.integers(0, 2, 20_000),
    "one_outlier": lambda rng: np.r_[np.zeros(19_999), rng.uniform(1e6, 2e6, 1)],
}


@pytest.mark.parametrize("column", FIT_COLUMNS)
def test_the_fitted_lambda_is_scikit_learns_to_the_optimizers_tolerance(column):
    values = FIT_COLUMNS[column](np.random.default_rng(11)).astype("float64")

    reference = PowerTransformer(method="yeo-johnson", standardize=False).fit(values[:, None]).lambdas_[0]

    assert fitted_yeo_johnson_lambda(values) == pytest.approx(reference, rel=1e-6, abs=1e-6)


def test_a_feature_of_zeros_only_gets_lambda_one_as_in_scipy():
    assert fitted_yeo_johnson_lambda(np.zeros(10)) == 1.0


def test_log1p_is_applied_only_to_features_that_take_it():
    matrix = feature_matrix(members(age=[30.0, 40.0], claims=[0.0, 9.0]), ["age", "claims"])
    scaling = fit_scaling(matrix, ["age", "claims"], ["none", "log1p"], clip_quantile=None)

    np.testing.assert_allclose(scaling.center, [35.0, np.log(10.0) / 2])
    assert np.isnan(scaling.lambdas).all()


def test_scaling_is_standard_scaling_with_population_deviation():
    matrix = np.array([[1.0, 10.0], [3.0, 30.0]])
    scaling = fit_scaling(matrix, ["a", "b"], ["none", "none"])

    np.testing.assert_allclose(scaling.center, [2.0, 20.0])
    np.testing.assert_allclose(scaling.scale, [1.0, 10.0])
    np.testing.assert_allclose(scale(matrix, scaling), [[-1.0, -1.0], [1.0, 1.0]])


def test_values_are_clipped_to_the_fit_samples_quantiles_before_fitting_and_assigning():
    matrix = np.arange(1.0, 201.0)[:, None]
    scaling = fit_scaling(matrix, ["premium"], ["none"], clip_quantile=0.99)

    np.testing.assert_allclose([scaling.clip_lower[0], scaling.clip_upper[0]], np.quantile(matrix, [0.01, 0.99]))
    # A value far beyond the fitted range lands where the upper bound does.
    np.testing.assert_array_equal(scale(np.array([[1e6]]), scaling), scale(scaling.clip_upper[None, :], scaling))


def test_one_extreme_value_barely_moves_a_clipped_fit():
    rng = np.random.default_rng(5)
    matrix = rng.gamma(4, 100, (2000, 1))
    swung = matrix.copy()
    swung[0, 0] = 3000.0

    plain = [fit_scaling(m, ["premium"], ["yeo_johnson"], clip_quantile=None) for m in (matrix, swung)]
    clipped = [fit_scaling(m, ["premium"], ["yeo_johnson"], clip_quantile=0.995) for m in (matrix, swung)]

    def lambda_shift(pair):
        return abs(pair[0].lambdas[0] - pair[1].lambdas[0])

    assert lambda_shift(clipped) < lambda_shift(plain) / 5


@pytest.mark.parametrize("transforms", [["none", "log1p"], ["yeo_johnson", "yeo_johnson"]])
def test_original_units_undo_scaling_and_the_transform(transforms):
    frame = members(age=[20.0, 50.0, 65.0, 33.0], claims=[0.0, 4.0, 120.0, 1.0])
    matrix = feature_matrix(frame, ["age", "claims"])
    scaling = fit_scaling(matrix, ["age", "claims"], transforms, clip_quantile=None)

    np.testing.assert_allclose(to_original_units(scale(matrix, scaling), scaling), frame[["age", "claims"]])


def test_unknown_feature_names_the_column_and_what_exists():
    with pytest.raises(
        FeatureDataError, match=r"the question's features \['logins'\] are not columns of member_features"
    ):
        feature_matrix(members(age=[30.0]), ["age", "logins"])


def test_null_feature_is_an_error_naming_the_column_and_count():
    with pytest.raises(FeatureDataError, match=r"member_features\.premium: 1 members have no value"):
        feature_matrix(members(premium=[10.0, np.nan]), ["premium"])


def test_constant_feature_is_an_error_naming_it():
    matrix = np.array([[1.0, 5.0], [2.0, 5.0]])

    with pytest.raises(FeatureDataError, match=r"\['deductible'\] have the same value for every member"):
        fit_scaling(matrix, ["age", "deductible"], ["yeo_johnson", "yeo_johnson"])


def test_negative_count_cannot_be_log_transformed():
    with pytest.raises(FeatureDataError, match=r"member_features\.claims: log1p needs values >= 0"):
        fit_scaling(np.array([[-1.0], [2.0]]), ["claims"], ["log1p"], clip_quantile=None)

"""Turn member features into the scaled matrix k-means sees, and back.

Claims, engagement counts and dollar amounts are right-skewed in real plans: a handful of heavy utilizers with
100+ claims would otherwise stretch the scale so far that everyone else looks alike. Each feature is first
transformed, then standard scaled. The transform is one of TRANSFORMS, per feature:

- ``yeo_johnson``: scikit-learn's ``PowerTransformer(method="yeo-johnson")``, whose lambda is fitted per feature
  by maximum likelihood so that the transformed feature is as close to normal as a power can make it (it
  accepts zero and negative values, unlike Box-Cox). lambda 1 is the identity, lambda 0 is log1p for values >= 0.
- ``log1p``: log(1 + x), the hand-picked recipe of earlier versions (values must be >= 0).
- ``none``: the value as it is (the source article's plain StandardScaler recipe).

The fitted parameters are kept as plain data (:class:`FeatureScaling`) so a run can be persisted, audited and
replayed without refitting, in NumPy here and in SQL (macros/feature_transform.sql) alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats
from sklearn.preprocessing import StandardScaler

TRANSFORMS = ("yeo_johnson", "log1p", "none")

# scikit-learn/SciPy's thresholds for Yeo-Johnson's special cases (lambda 0 and lambda 2): np.spacing(1.0).
LAMBDA_EPSILON = float(np.spacing(1.0))


class FeatureDataError(ValueError):
    """The feature table cannot be segmented as configured; the message names the column and the rule."""


@dataclass(frozen=True)
class FeatureScaling:
    """Per feature: its transform (one of TRANSFORMS), the fitted Yeo-Johnson lambda (NaN for other transforms),
    then the centre and scale of standard scaling of the transformed values."""

    features: tuple[str, ...]
    transforms: tuple[str, ...]
    lambdas: np.ndarray
    center: np.ndarray
    scale: np.ndarray
    clip_lower: np.ndarray | None = None
    clip_upper: np.ndarray | None = None

    @property
    def log1p(self) -> tuple[bool, ...]:
        return tuple(transform == "log1p" for transform in self.transforms)


def feature_matrix(members: pd.DataFrame, features: Sequence[str]) -> np.ndarray:
    """The configured feature columns as float64, untransformed; every value must be set."""
    missing = [name for name in features if name not in members.columns]
    if missing:
        raise FeatureDataError(
            f"member_features: the question's features {missing} are not columns of member_features "
            f"(available: {sorted(set(members.columns) - {'member_id', 'as_of_date'})})."
        )
    matrix = members.loc[:, list(features)].astype("float64").to_numpy(copy=True)
    for position, name in enumerate(features):
        nulls = int(np.isnan(matrix[:, position]).sum())
        if nulls:
            raise FeatureDataError(f"member_features.{name}: {nulls} members have no value; every feature must be set.")
    return matrix


def yeo_johnson(values: np.ndarray, lmbda: float) -> np.ndarray:
    """The Yeo-Johnson transform with the given lambda, exactly as scikit-learn's PowerTransformer applies it
    (it calls scipy.stats.yeojohnson)."""
    return np.asarray(stats.yeojohnson(np.asarray(values, dtype="float64"), lmbda=float(lmbda)), dtype="float64")


def fitted_yeo_johnson_lambda(column: np.ndarray) -> float:
    """One feature's maximum-likelihood Yeo-Johnson lambda, as ``PowerTransformer(method="yeo-johnson")`` fits it
    (scipy.stats.yeojohnson_normmax: the same log-likelihood, search interval and tolerance), but summed over
    the feature's distinct values weighted by how many members hold each.

    The log-likelihood depends on the values only through sums over members, so the weighted sums are the same
    function; a count feature has a few dozen distinct values among 200,000 members, so each of the optimizer's
    evaluations costs microseconds instead of a pass over the fit sample (the fit was about 0.5 s of every
    500,000-member build). The lambdas equal PowerTransformer's to the optimizer's tolerance (tested).
    """
    values, counts = np.unique(np.asarray(column, dtype="float64"), return_counts=True)
    if np.all(values == 0):
        return 1.0
    members = float(counts.sum())
    log_term = float(np.sum(counts * np.sign(values) * np.log1p(np.abs(values))))

    def negative_log_likelihood(lmbda: float) -> float:
        transformed_values = yeo_johnson(values, lmbda)
        mean = np.sum(counts * transformed_values) / members
        variance = np.sum(counts * (transformed_values - mean) ** 2) / members
        if not variance >= np.finfo(np.float64).smallest_normal:
            return np.inf  # SciPy rejects a (near-)constant transform the same way
        return members / 2 * np.log(variance) - (lmbda - 1) * log_term

    # SciPy's interval: lambdas whose transform of up to 20 times the largest value stays within half of the
    # float exponent range, mirrored where values are negative.
    log1p_max = np.log1p(20 * np.max(np.abs(values)))
    log_eps = np.log(np.finfo(np.float64).eps)
    low = (np.log(np.finfo(np.float64).tiny) - log_eps) / 2 / log1p_max
    high = (np.log(np.finfo(np.float64).max) + log_eps) / 2 / log1p_max
    if np.all(values < 0):
        low, high = 2 - high, 2 - low
    elif np.any(values < 0):
        low, high = max(2 - high, low), min(2 - low, high)
    return float(optimize.fminbound(negative_log_likelihood, low, high, xtol=1.48e-08))


def yeo_johnson_inverse(values: np.ndarray, lmbda: float) -> np.ndarray:
    """The inverse of :func:`yeo_johnson`, as PowerTransformer.inverse_transform computes it."""
    values = np.asarray(values, dtype="float64")
    result = np.zeros_like(values)
    positive = values >= 0
    if abs(lmbda) < LAMBDA_EPSILON:
        result[positive] = np.exp(values[positive]) - 1
    else:
        result[positive] = np.power(values[positive] * lmbda + 1, 1 / lmbda) - 1
    if abs(lmbda - 2) > LAMBDA_EPSILON:
        result[~positive] = 1 - np.power(-(2 - lmbda) * values[~positive] + 1, 1 / (2 - lmbda))
    else:
        result[~positive] = 1 - np.exp(-values[~positive])
    return result


def transformed(
    matrix: np.ndarray, features: Sequence[str], transforms: Sequence[str], lambdas: np.ndarray
) -> np.ndarray:
    """The raw feature matrix with each column's transform applied (a new array)."""
    result = np.array(matrix, dtype="float64", copy=True)
    for position, (name, transform) in enumerate(zip(features, transforms, strict=True)):
        column = result[:, position]
        if transform == "log1p":
            if (column < 0).any():
                raise FeatureDataError(f"member_features.{name}: log1p needs values >= 0, found {column.min()}.")
            result[:, position] = np.log1p(column)
        elif transform == "yeo_johnson":
            result[:, position] = yeo_johnson(column, lambdas[position])
        elif transform != "none":
            raise FeatureDataError(
                f"member_features.{name}: unknown transform {transform!r}; expected one of {list(TRANSFORMS)}."
            )
    return result


def clipped(matrix: np.ndarray, scaling: FeatureScaling) -> np.ndarray:
    """Raw values held within the fitted clip bounds (unchanged when the scaling has none)."""
    if scaling.clip_lower is None or scaling.clip_upper is None:
        return matrix
    return np.minimum(np.maximum(matrix, scaling.clip_lower), scaling.clip_upper)


def fit_scaling(
    matrix: np.ndarray, features: Sequence[str], transforms: Sequence[str], clip_quantile: float | None = None
) -> FeatureScaling:
    """Fit each feature's transform (the Yeo-Johnson lambdas) and then standard scaling as the source recipe
    (StandardScaler: mean, population standard deviation) on the raw ``matrix`` (see :func:`feature_matrix`).

    For Yeo-Johnson this is ``PowerTransformer(method="yeo-johnson", standardize=True)``: its lambdas (computed
    by :func:`fitted_yeo_johnson_lambda`), then StandardScaler on the transformed values. A constant feature
    carries no information and would silently get scale 1 from StandardScaler; it is an error instead, because
    it usually means an extract is empty or wrongly joined.
    """
    constant = [name for name, column in zip(features, matrix.T, strict=True) if np.ptp(column) == 0.0]
    if constant:
        raise FeatureDataError(
            f"member_features: {constant} have the same value for every member; a constant feature cannot "
            "separate segments (check the extract, or drop it from the question's features in var "
            "segmentation_questions)."
        )
    lower = upper = None
    if clip_quantile is not None:
        lower = np.quantile(matrix, 1 - clip_quantile, axis=0)
        upper = np.quantile(matrix, clip_quantile, axis=0)
        matrix = np.minimum(np.maximum(matrix, lower), upper)
    lambdas = np.full(len(features), np.nan)
    for position, transform in enumerate(transforms):
        if transform == "yeo_johnson":
            lambdas[position] = fitted_yeo_johnson_lambda(matrix[:, position])
    scaler = StandardScaler().fit(transformed(matrix, features, transforms, lambdas))
    return FeatureScaling(
        features=tuple(features),
        transforms=tuple(transforms),
        lambdas=lambdas,
        center=scaler.mean_.astype("float64"),
        scale=scaler.scale_.astype("float64"),
        clip_lower=lower,
        clip_upper=upper,
    )


def scale(matrix: np.ndarray, scaling: FeatureScaling) -> np.ndarray:
    """Raw feature values (columns in scaling.features order) to the scaled units k-means sees."""
    values = transformed(clipped(matrix, scaling), scaling.features, scaling.transforms, scaling.lambdas)
    return (values - scaling.center) / scaling.scale


def to_original_units(scaled: np.ndarray, scaling: FeatureScaling) -> np.ndarray:
    """Map scaled points (e.g. centroids) back to the features' own units, undoing the transform."""
    original = scaled * scaling.scale + scaling.center
    for position, transform in enumerate(scaling.transforms):
        if transform == "log1p":
            original[:, position] = np.expm1(original[:, position])
        elif transform == "yeo_johnson":
            original[:, position] = yeo_johnson_inverse(original[:, position], scaling.lambdas[position])
    return original

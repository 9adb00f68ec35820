"""Turn member features into the scaled matrix k-means sees, and back.

Claims and engagement counts are right-skewed in real plans: a handful of heavy utilizers with 100+ claims
would otherwise stretch the scale so far that everyone else looks alike. log1p compresses that tail before
standard scaling. The fitted parameters are kept as plain data (:class:`FeatureScaling`) so a run can be
persisted, audited and replayed without refitting.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler


class FeatureDataError(ValueError):
    """The feature table cannot be segmented as configured; the message names the column and the rule."""


@dataclass(frozen=True)
class FeatureScaling:
    """Per feature: whether log1p is applied, then the centre and scale of standard scaling."""

    features: tuple[str, ...]
    log1p: tuple[bool, ...]
    center: np.ndarray
    scale: np.ndarray


def feature_matrix(members: pd.DataFrame, features: Sequence[str], log1p_features: Collection[str]) -> np.ndarray:
    """The configured feature columns as float64, log1p applied where configured: sign(x) * log1p(|x|), which is
    log1p for the usual values >= 0 and keeps a legitimately negative one (a member whose claim reversals
    exceed payments in the window) on the same scale, mirrored."""
    missing = [name for name in features if name not in members.columns]
    if missing:
        raise FeatureDataError(
            f"member_features: the question's features {missing} are not columns of member_features "
            f"(available: {sorted(set(members.columns) - {'member_id', 'as_of_date'})})."
        )
    matrix = members.loc[:, list(features)].astype("float64").to_numpy(copy=True)
    for position, name in enumerate(features):
        column = matrix[:, position]
        nulls = int(np.isnan(column).sum())
        if nulls:
            raise FeatureDataError(f"member_features.{name}: {nulls} members have no value; every feature must be set.")
        if name in log1p_features:
            matrix[:, position] = np.sign(column) * np.log1p(np.abs(column))
    return matrix


def fit_scaling(matrix: np.ndarray, features: Sequence[str], log1p_features: Collection[str]) -> FeatureScaling:
    """Standard scaling as the source recipe (StandardScaler: mean, population standard deviation).

    A constant feature carries no information and would silently get scale 1 from StandardScaler; it is an
    error instead, because it usually means an extract is empty or wrongly joined.
    """
    scaler = StandardScaler().fit(matrix)
    constant = [name for name, variance in zip(features, scaler.var_, strict=True) if variance == 0.0]
    if constant:
        raise FeatureDataError(
            f"member_features: {constant} have the same value for every member; a constant feature cannot "
            "separate segments (check the extract, or drop it from the question's features in var "
            "segmentation_questions)."
        )
    return FeatureScaling(
        features=tuple(features),
        log1p=tuple(name in log1p_features for name in features),
        center=scaler.mean_.astype("float64"),
        scale=scaler.scale_.astype("float64"),
    )


def scale(matrix: np.ndarray, scaling: FeatureScaling) -> np.ndarray:
    return (matrix - scaling.center) / scaling.scale


def to_original_units(scaled: np.ndarray, scaling: FeatureScaling) -> np.ndarray:
    """Map scaled points (e.g. centroids) back to the features' own units, undoing the signed log1p where applied."""
    original = scaled * scaling.scale + scaling.center
    log1p = np.asarray(scaling.log1p)
    original[:, log1p] = np.sign(original[:, log1p]) * np.expm1(np.abs(original[:, log1p]))
    return original

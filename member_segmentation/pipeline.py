"""The three steps the dbt Python models run: fit centroids, assign members, describe the run.

Each function takes and returns DataFrames, so the dbt models stay a few lines long and everything here is
tested with pytest. The fitted model travels between steps as the ``segment_centroids`` table (long format:
one row per segment and feature), which is also what an auditor reads.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from member_segmentation.clustering import assign_to_nearest, fit_centroids
from member_segmentation.diagnostics import inertia, library_versions
from member_segmentation.personas import match_clusters_to_personas, profile_targets, rows_for_question
from member_segmentation.preprocessing import (
    FeatureDataError,
    FeatureScaling,
    feature_matrix,
    fit_scaling,
    scale,
    to_original_units,
)
from member_segmentation.settings import SegmentationSettings
from member_segmentation.timings import timed


def _as_of_date(members: pd.DataFrame) -> date:
    """The single as-of date of the feature table, as a date (so the warehouse column stays a DATE)."""
    dates = members["as_of_date"].drop_duplicates()
    if len(dates) != 1:
        raise FeatureDataError(f"member_features.as_of_date: expected one as-of date, found {len(dates)}.")
    return pd.Timestamp(dates.iloc[0]).date()


def _in_member_order(members: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by member_id: k-means++ samples rows by position, so a fixed order makes the fit independent
    of how the warehouse happened to return the rows."""
    if members["member_id"].duplicated().any():
        duplicated = members.loc[members["member_id"].duplicated(), "member_id"].iloc[0]
        raise FeatureDataError(f"member_features.member_id: {duplicated!r} appears more than once; expected one row.")
    return members.sort_values("member_id", kind="stable", ignore_index=True)


def fit_sample(n_members: int, sample_size: int | None, random_state: int) -> np.ndarray | slice:
    """Row positions k-means is fitted on: all rows, or a seeded uniform sample of rows in member order (so the
    sample, like the fit, does not depend on the order the warehouse returned the rows in)."""
    if sample_size is None or sample_size >= n_members:
        return slice(None)
    return np.sort(np.random.default_rng(random_state).choice(n_members, size=sample_size, replace=False))


def fit_segment_centroids(
    members: pd.DataFrame,
    personas: pd.DataFrame,
    persona_profiles: pd.DataFrame,
    settings: SegmentationSettings,
) -> pd.DataFrame:
    """Fit scaling and k-means on the members' features and name each cluster by its persona.

    Scaling is fitted on every member; k-means on at most ``settings.fit_sample_size`` of them, since centroids
    of a few hundred thousand members are already as precise as the population's. Returns one row per segment
    and feature: the centroid in scaled and original units, the scaling that maps between them, and the
    persona profile's target, which is everything needed to assign members later.
    """
    if members.empty:
        raise FeatureDataError("member_features: no member has coverage active on the as-of date; nothing to segment.")
    if len(members) < settings.n_segments:
        raise FeatureDataError(
            f"member_features: {len(members)} active members cannot form var n_segments={settings.n_segments} segments."
        )
    members = _in_member_order(members)
    with timed("segment_centroids", "scale"):
        matrix = feature_matrix(members, settings.features, settings.log1p_features)
        scaling = fit_scaling(matrix, settings.features, settings.log1p_features)
        scaled = scale(matrix, scaling)
    with timed("segment_centroids", "fit"):
        centroids = fit_centroids(
            scaled[fit_sample(len(members), settings.fit_sample_size, settings.random_state)],
            n_clusters=settings.n_segments,
            random_state=settings.random_state,
            n_init=settings.n_init,
            n_threads=settings.n_threads,
        )
    with timed("segment_centroids", "persona_matching"):
        targets = profile_targets(
            rows_for_question(personas, "personas", settings.question),
            rows_for_question(persona_profiles, "persona_profiles", settings.question),
            settings.features,
        )
        segment_ids = match_clusters_to_personas(centroids, targets)
    order = np.argsort(segment_ids)
    return _centroids_frame(
        question=settings.question,
        as_of_date=_as_of_date(members),
        segment_ids=segment_ids[order],
        centroids_scaled=centroids[order],
        scaling=scaling,
        targets=targets,
    )


def _centroids_frame(
    *,
    question: str,
    as_of_date: date,
    segment_ids: np.ndarray,
    centroids_scaled: np.ndarray,
    scaling: FeatureScaling,
    targets: pd.DataFrame,
) -> pd.DataFrame:
    n_segments, n_features = centroids_scaled.shape
    centroids_original = to_original_units(centroids_scaled, scaling)
    return pd.DataFrame(
        {
            "as_of_date": as_of_date,
            "segmentation_question": question,
            "segment_id": np.repeat(segment_ids, n_features).astype("int64"),
            "feature_position": np.tile(np.arange(1, n_features + 1), n_segments).astype("int64"),
            "feature": np.tile(np.array(scaling.features, dtype=object), n_segments),
            "log1p_applied": np.tile(np.array(scaling.log1p), n_segments),
            "scaler_center": np.tile(scaling.center, n_segments),
            "scaler_scale": np.tile(scaling.scale, n_segments),
            "centroid_scaled": centroids_scaled.ravel(),
            "centroid_value": centroids_original.ravel(),
            "profile_target_z": targets.loc[segment_ids].to_numpy().ravel(),
        }
    )


def _fitted_model(centroids: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, FeatureScaling]:
    """Segment ids, the centroid matrix (segments x features, ordered by segment_id) and the scaling."""
    ordered = centroids.sort_values(["segment_id", "feature_position"])
    wide = ordered.pivot(index="segment_id", columns="feature_position", values="centroid_scaled").sort_index()
    first_segment = ordered[ordered["segment_id"] == wide.index[0]]
    scaling = FeatureScaling(
        features=tuple(first_segment["feature"]),
        log1p=tuple(bool(flag) for flag in first_segment["log1p_applied"]),
        center=first_segment["scaler_center"].to_numpy(dtype="float64"),
        scale=first_segment["scaler_scale"].to_numpy(dtype="float64"),
    )
    return wide.index.to_numpy(dtype="int64"), wide.to_numpy(dtype="float64"), scaling


def scaled_member_features(members: pd.DataFrame, centroids: pd.DataFrame) -> np.ndarray:
    """The members' features as the fitted segmentation sees them (log1p where it applied, then its scaling),
    rows in the members' order. Assignment measures distances here; the segment report projects these points.
    """
    _, _, scaling = _fitted_model(centroids)
    log1p_features = {name for name, flag in zip(scaling.features, scaling.log1p, strict=True) if flag}
    return scale(feature_matrix(members, scaling.features, log1p_features), scaling)


def assign_members_to_segments(members: pd.DataFrame, centroids: pd.DataFrame) -> pd.DataFrame:
    """Each member's nearest segment centroid and the distance to it, in scaled units.

    Uses only the persisted centroids and scaling, so the result is the same whichever process computes it.
    """
    members = _in_member_order(members)
    segment_ids, centroid_matrix, _ = _fitted_model(centroids)
    with timed("member_segments", "scale"):
        scaled = scaled_member_features(members, centroids)
    with timed("member_segments", "assign"):
        nearest, distances = assign_to_nearest(scaled, centroid_matrix)
    return pd.DataFrame(
        {
            "member_id": members["member_id"].astype("string"),
            "as_of_date": _as_of_date(members),
            "segment_id": segment_ids[nearest],
            "distance_to_centroid": distances,
        }
    )


def describe_segmentation_run(
    member_segments: pd.DataFrame,
    centroids: pd.DataFrame,
    settings: SegmentationSettings,
    recorded_at: datetime,
) -> pd.DataFrame:
    """One row of run metadata: inputs, settings, fit quality and library versions."""
    _, _, scaling = _fitted_model(centroids)
    distances = member_segments["distance_to_centroid"].to_numpy(dtype="float64")
    run = {
        "as_of_date": centroids["as_of_date"].iloc[0],
        "segmentation_question": settings.question,
        "recorded_at": pd.Timestamp(recorded_at).tz_convert("UTC").tz_localize(None),
        "members_segmented": len(member_segments),
        "n_segments": centroids["segment_id"].nunique(),
        "features": ",".join(scaling.features),
        "log1p_features": ",".join(name for name, flag in zip(scaling.features, scaling.log1p, strict=True) if flag),
        "kmeans_random_state": settings.random_state,
        "kmeans_n_init": settings.n_init,
        "kmeans_n_threads": settings.n_threads,
        "kmeans_fit_sample_size": settings.fit_sample_size,
        "members_fitted": min(len(member_segments), settings.fit_sample_size or len(member_segments)),
        "inertia": inertia(distances),
        "mean_distance_to_centroid": float(distances.mean()),
    }
    run.update({f"{name}_version": value for name, value in library_versions().items()})
    return pd.DataFrame([run])

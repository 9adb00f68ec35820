"""The segmentation's steps: fit centroids, assign members, describe the run.

Each function takes and returns DataFrames, so the dbt Python models stay a few lines long and everything here
is tested with pytest. The fitted model travels between steps as the ``segment_centroids`` table (long format:
one row per segment and feature), which is also what an auditor reads. The build fits here and assigns in SQL
(models/marts/segments/member_segments.sql), so assigning every member scales with the warehouse; the
assignment here is the same computation in NumPy, the reference the SQL is tested against and what the
offline tools (choose-k, the segment report) use on samples.

A refresh (a new as-of date) starts from the previous run's model, the rows of ``segment_centroids`` that the
history kept: ``refit`` fits again from the previous centroids (a warm start), ``score`` reuses them unchanged.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

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


class SegmentationHistoryError(ValueError):
    """A refresh cannot use the previous run's model as configured; the message says why and what to run."""


NO_ACTIVE_MEMBERS = "member_features: no member has coverage active on the as-of date; nothing to segment."


def as_of_date_of(members: pd.DataFrame) -> date:
    """The single as-of date of the feature table, as a date (so the warehouse column stays a DATE)."""
    if members.empty:
        raise FeatureDataError(NO_ACTIVE_MEMBERS)
    dates = members["as_of_date"].drop_duplicates()
    if len(dates) != 1:
        raise FeatureDataError(f"member_features.as_of_date: expected one as-of date, found {len(dates)}.")
    return pd.Timestamp(dates.iloc[0]).date()


def _in_member_order(members: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by member_id: k-means++ samples rows by position, so a fixed order makes the fit independent
    of how the warehouse happened to return the rows."""
    if members["member_id"].duplicated().any():
        # The count, not the ids: this message reaches dbt's log and run results, which hold no member-level values.
        duplicated = members.loc[members["member_id"].duplicated(), "member_id"].nunique()
        raise FeatureDataError(
            f"member_features.member_id: {duplicated} member ids appear more than once; expected one row each."
        )
    return members.sort_values("member_id", kind="stable", ignore_index=True)


def _check_members(members: pd.DataFrame, settings: SegmentationSettings) -> None:
    if members.empty:
        raise FeatureDataError(NO_ACTIVE_MEMBERS)
    if len(members) < settings.n_segments:
        raise FeatureDataError(
            f"member_features: {len(members)} active members cannot form var n_segments={settings.n_segments} segments."
        )


def _question_targets(
    personas: pd.DataFrame, persona_profiles: pd.DataFrame, settings: SegmentationSettings
) -> pd.DataFrame:
    return profile_targets(
        rows_for_question(personas, "personas", settings.question),
        rows_for_question(persona_profiles, "persona_profiles", settings.question),
        settings.features,
    )


def fit_segment_centroids(
    members: pd.DataFrame,
    personas: pd.DataFrame,
    persona_profiles: pd.DataFrame,
    settings: SegmentationSettings,
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Fit scaling and k-means on the members' features and name each cluster by its persona.

    ``members`` is the fit sample (the dbt model int_members_sampled_for_fit: every active member, or a seeded sample
    of var kmeans_fit_sample_size of them, since the scaling and centroids of a hundred thousand members are
    already as precise as the population's); every member is assigned later, in SQL. When ``previous`` (the
    previous run's segment_centroids rows) fits the same question, features and k, k-means starts from its
    centroids (see warm_start_centroids) instead of k-means++, so clusters, and most members, stay where they
    were unless the data moved them. Returns one row per segment and feature: the centroid in scaled and
    original units, the scaling that maps between them, and the persona profile's target, which is everything
    needed to assign members later.
    """
    _check_members(members, settings)
    members = _in_member_order(members)
    warm_start = (
        previous is not None
        and model_mismatch(previous, settings) is None
        and transform_mismatch(previous, settings) is None
    )
    with timed("segment_centroids", "scale"):
        matrix = feature_matrix(members, settings.features)
        scaling = fit_scaling(matrix, settings.features, settings.feature_transforms, settings.clip_quantile)
        scaled = scale(matrix, scaling)
    with timed("segment_centroids", "fit"):
        centroids = fit_centroids(
            scaled,
            n_clusters=settings.n_segments,
            random_state=settings.random_state,
            n_init=settings.n_init,
            n_threads=settings.n_threads,
            init=warm_start_centroids(previous, scaling) if warm_start else None,
        )
    with timed("segment_centroids", "persona_matching"):
        targets = _question_targets(personas, persona_profiles, settings)
        segment_ids = match_clusters_to_personas(centroids, targets)
    order = np.argsort(segment_ids)
    return _centroids_frame(
        question=settings.question,
        as_of_date=as_of_date_of(members),
        segment_ids=segment_ids[order],
        centroids_scaled=centroids[order],
        scaling=scaling,
        targets=targets,
        refresh_mode="refit",
        centroids_from=_run_date(previous) if warm_start else None,
    )


def refresh_segment_centroids(
    members: pd.DataFrame,
    personas: pd.DataFrame,
    persona_profiles: pd.DataFrame,
    settings: SegmentationSettings,
    previous: pd.DataFrame | None,
) -> pd.DataFrame:
    """segment_centroids for this as-of date in the configured refresh mode, given the previous run's
    segment_centroids rows (None on the first run).

    refit: fit_segment_centroids. score: the previous run's model, unchanged (transforms, scaling, centroids,
    segment ids), dated for this run. Members are then assigned with exactly the previous run's transforms, scaling
    and centroids, so a member whose features did not change keeps their segment; a model fitted with another
    transform than the one now configured (e.g. log1p, by an earlier version) keeps its own. The persona profile
    targets come from today's seeds.
    """
    if settings.refresh_mode != "score":
        return fit_segment_centroids(members, personas, persona_profiles, settings, previous)
    if previous is None:
        raise SegmentationHistoryError(
            f"var refresh_mode is score, but segment_centroid_history holds no earlier run of question "
            f"{settings.question!r} to score with; build the first as-of date with refresh_mode refit (the default)."
        )
    mismatch = model_mismatch(previous, settings)
    if mismatch is not None:
        raise SegmentationHistoryError(
            f"var refresh_mode is score, but {mismatch}; build this as-of date with refresh_mode refit "
            "(the default) to fit the configured segmentation."
        )
    _check_members(members, settings)
    segment_ids, centroids, scaling = fitted_model(previous)
    targets = _question_targets(personas, persona_profiles, settings)
    unknown = sorted(set(segment_ids) - set(targets.index))
    if unknown:
        raise SegmentationHistoryError(
            f"var refresh_mode is score, but the previous run's segment_ids {unknown} are no longer personas of "
            f"question {settings.question!r} in seed personas; build with refresh_mode refit."
        )
    return _centroids_frame(
        question=settings.question,
        as_of_date=as_of_date_of(members),
        segment_ids=segment_ids,
        centroids_scaled=centroids,
        scaling=scaling,
        targets=targets,
        refresh_mode="score",
        centroids_from=_run_date(previous),
    )


def model_mismatch(previous: pd.DataFrame, settings: SegmentationSettings) -> str | None:
    """Why the previous run's model cannot serve this run (another question, features or k); None when it can.
    A model of another transform can still score (see transform_mismatch)."""
    _, centroids, scaling = fitted_model(previous)
    run = f"the previous run ({_run_date(previous)})"
    question = previous["segmentation_question"].iloc[0]
    if question != settings.question:
        return f"{run} answered question {question!r}, not {settings.question!r}"
    if scaling.features != settings.features:
        return f"{run} clustered on {list(scaling.features)}, the question now on {list(settings.features)}"
    if centroids.shape[0] != settings.n_segments:
        return f"{run} had {centroids.shape[0]} segments, the question now asks for {settings.n_segments}"
    return None


def transform_mismatch(previous: pd.DataFrame, settings: SegmentationSettings) -> str | None:
    """Why a refit cannot start from the previous run's centroids although question, features and k match: the
    previous run transformed the features otherwise (e.g. log1p, written by an earlier version). None when the
    transforms are the same (their fitted lambdas may differ: each refit fits its own)."""
    _, _, scaling = fitted_model(previous)
    if scaling.transforms != settings.feature_transforms:
        return (
            f"the previous run ({_run_date(previous)}) transformed the features with "
            f"{_transform_summary(scaling.transforms)}, the question now with {settings.transform}"
        )
    return None


def warm_start_centroids(previous: pd.DataFrame, scaling: FeatureScaling) -> np.ndarray:
    """The previous run's centroids (rows in segment_id order) in this run's scaled units.

    Each run fits its own transform and scaling, so the previous centroids are first mapped back to the
    features' own units with the previous run's, then transformed and scaled with this run's.
    """
    _, centroids, previous_scaling = fitted_model(previous)
    return scale(to_original_units(centroids, previous_scaling), scaling)


def _transform_summary(transforms: tuple[str, ...]) -> str:
    """One word for a model's per-feature transforms: yeo_johnson, log1p (on some features) or none."""
    return next((name for name in ("yeo_johnson", "log1p") if name in transforms), "none")


def _run_date(centroids: pd.DataFrame) -> date:
    return pd.Timestamp(centroids["as_of_date"].iloc[0]).date()


def _optional_date(value: object) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _date_column(values: list[date | None]) -> pd.api.extensions.ExtensionArray:
    """Dates typed as such, so the warehouse column is a DATE even when every value is null (a first run)."""
    return pd.array(values, dtype=pd.ArrowDtype(pa.date32()))


def _centroids_frame(
    *,
    question: str,
    as_of_date: date,
    segment_ids: np.ndarray,
    centroids_scaled: np.ndarray,
    scaling: FeatureScaling,
    targets: pd.DataFrame,
    refresh_mode: str,
    centroids_from: date | None,
) -> pd.DataFrame:
    n_segments, n_features = centroids_scaled.shape
    centroids_original = to_original_units(centroids_scaled, scaling)
    rows = n_segments * n_features
    return pd.DataFrame(
        {
            "as_of_date": as_of_date,
            "segmentation_question": question,
            "segment_id": np.repeat(segment_ids, n_features).astype("int64"),
            "feature_position": np.tile(np.arange(1, n_features + 1), n_segments).astype("int64"),
            "feature": np.tile(np.array(scaling.features, dtype=object), n_segments),
            "log1p_applied": np.tile(np.array(scaling.log1p), n_segments),
            "feature_transform": np.tile(np.array(scaling.transforms, dtype=object), n_segments),
            # Nullable: null, not NaN, where a feature has no lambda or no clip bounds.
            "transform_lambda": pd.array(np.tile(scaling.lambdas, n_segments), dtype="Float64"),
            "clip_lower": pd.array(np.tile(_or_nan(scaling.clip_lower, n_features), n_segments), dtype="Float64"),
            "clip_upper": pd.array(np.tile(_or_nan(scaling.clip_upper, n_features), n_segments), dtype="Float64"),
            "scaler_center": np.tile(scaling.center, n_segments),
            "scaler_scale": np.tile(scaling.scale, n_segments),
            "centroid_scaled": centroids_scaled.ravel(),
            "centroid_value": centroids_original.ravel(),
            "profile_target_z": targets.loc[segment_ids].to_numpy().ravel(),
            "refresh_mode": refresh_mode,
            "centroids_from_as_of_date": _date_column([centroids_from] * rows),
        }
    )


def _or_nan(values: np.ndarray | None, size: int) -> np.ndarray:
    return np.full(size, np.nan) if values is None else values


def _optional_column(rows: pd.DataFrame, column: str) -> np.ndarray | None:
    """A float column of the model's rows, or None when it is missing or null (a model without clipping, or one
    written by an earlier version)."""
    if column not in rows.columns or rows[column].isna().all():
        return None
    return pd.to_numeric(rows[column]).to_numpy(dtype="float64")


def fitted_model(centroids: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, FeatureScaling]:
    """Segment ids, the centroid matrix (segments x features, ordered by segment_id) and the scaling."""
    ordered = centroids.sort_values(["segment_id", "feature_position"])
    wide = ordered.pivot(index="segment_id", columns="feature_position", values="centroid_scaled").sort_index()
    first_segment = ordered[ordered["segment_id"] == wide.index[0]]
    log1p = ["log1p" if bool(flag) else "none" for flag in first_segment["log1p_applied"]]
    # A model written before transforms were configurable (no feature_transform column, or null in the rows an
    # earlier version appended to the history) was log1p where log1p_applied, untransformed elsewhere.
    transforms = first_segment.get("feature_transform", pd.Series([None] * len(log1p), index=first_segment.index))
    lambdas = first_segment.get("transform_lambda", pd.Series([np.nan] * len(log1p), index=first_segment.index))
    scaling = FeatureScaling(
        features=tuple(first_segment["feature"]),
        transforms=tuple(
            old if pd.isna(transform) else str(transform) for old, transform in zip(log1p, transforms, strict=True)
        ),
        lambdas=pd.to_numeric(lambdas).to_numpy(dtype="float64", na_value=np.nan),
        center=first_segment["scaler_center"].to_numpy(dtype="float64"),
        scale=first_segment["scaler_scale"].to_numpy(dtype="float64"),
        clip_lower=_optional_column(first_segment, "clip_lower"),
        clip_upper=_optional_column(first_segment, "clip_upper"),
    )
    return wide.index.to_numpy(dtype="int64"), wide.to_numpy(dtype="float64"), scaling


def scaled_member_features(members: pd.DataFrame, centroids: pd.DataFrame) -> np.ndarray:
    """The members' features as the fitted segmentation sees them (its transforms, then its scaling), rows in
    the members' order. Assignment measures distances here; the segment report projects these points.
    """
    _, _, scaling = fitted_model(centroids)
    return scale(feature_matrix(members, scaling.features), scaling)


def assign_members_to_segments(members: pd.DataFrame, centroids: pd.DataFrame) -> pd.DataFrame:
    """Each member's nearest segment centroid and the distance to it, in scaled units, as the SQL model
    member_segments computes them (ties to the lower segment_id).

    Uses only the persisted centroids and scaling, so the result is the same whichever process computes it.
    """
    members = _in_member_order(members)
    segment_ids, centroid_matrix, _ = fitted_model(centroids)
    nearest, distances = assign_to_nearest(scaled_member_features(members, centroids), centroid_matrix)
    return pd.DataFrame(
        {
            "member_id": members["member_id"].astype("string"),
            "as_of_date": as_of_date_of(members),
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
    """One row of run metadata: inputs, settings, fit quality and library versions. ``member_segments`` needs
    only its distance_to_centroid column (one row per member)."""
    _, _, scaling = fitted_model(centroids)
    distances = member_segments["distance_to_centroid"].to_numpy(dtype="float64")
    refresh_mode = centroids["refresh_mode"].iloc[0]
    run = {
        "as_of_date": _run_date(centroids),
        "segmentation_question": settings.question,
        "refresh_mode": refresh_mode,
        "centroids_from_as_of_date": None,  # typed below
        "recorded_at": pd.Timestamp(recorded_at).tz_convert("UTC").tz_localize(None),
        "members_segmented": len(member_segments),
        "n_segments": centroids["segment_id"].nunique(),
        "features": ",".join(scaling.features),
        "log1p_features": ",".join(name for name, flag in zip(scaling.features, scaling.log1p, strict=True) if flag),
        "transform": _transform_summary(scaling.transforms),
        "transform_lambdas": ",".join(
            f"{name}={lmbda:.6g}"
            for name, lmbda in zip(scaling.features, scaling.lambdas, strict=True)
            if not np.isnan(lmbda)
        ),
        "clip_quantile": settings.clip_quantile if scaling.clip_lower is not None else None,
        "kmeans_random_state": settings.random_state,
        "kmeans_n_init": settings.n_init,
        "kmeans_n_threads": settings.n_threads,
        "kmeans_fit_sample_size": settings.fit_sample_size,
        # A scored run fits nothing: it reuses the previous run's model.
        "members_fitted": 0
        if refresh_mode == "score"
        else min(len(member_segments), settings.fit_sample_size or len(member_segments)),
        "inertia": inertia(distances),
        "mean_distance_to_centroid": float(distances.mean()),
    }
    run.update({f"{name}_version": value for name, value in library_versions().items()})
    frame = pd.DataFrame([run])
    frame["centroids_from_as_of_date"] = _date_column([_optional_date(centroids["centroids_from_as_of_date"].iloc[0])])
    # Typed even when null (a model without clipping), so the warehouse column stays a DOUBLE.
    frame["clip_quantile"] = pd.array([run["clip_quantile"]], dtype="Float64")
    return frame

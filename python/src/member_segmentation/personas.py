"""Tie fitted clusters to business personas by what the clusters look like, never by their number.

k-means numbers its clusters arbitrarily and renumbers them when the data, the row order or the thread count
changes, so a fixed ``{0: persona}`` dictionary is only right for one run. Each persona instead declares a
profile in the ``persona_profiles`` seed (which features are high, average or low for it), and clusters are
matched one-to-one to the personas whose profile their centroid resembles most.

Each segmentation question has its own personas: the seeds hold every question's rows in one file (a dbt
Python model can only ref a seed by its literal name), keyed by ``segmentation_question``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

# Where a persona's profile level sits on the standard-scaled axis (population mean 0, one standard deviation 1).
LEVEL_Z_SCORES: dict[str, float] = {"low": -1.0, "average": 0.0, "high": 1.0}


class PersonaConfigError(ValueError):
    """The persona seeds cannot be matched to the configured segmentation; the message says which seed and rule."""


def rows_for_question(seed: pd.DataFrame, seed_name: str, question: str) -> pd.DataFrame:
    """The seed's rows for the configured question, without the question column."""
    rows = seed[seed["segmentation_question"] == question]
    if rows.empty:
        raise PersonaConfigError(
            f"seed {seed_name}: no rows for segmentation_question {question!r} (var segmentation_question); "
            f"the seed has {sorted(seed['segmentation_question'].unique())}."
        )
    return rows.drop(columns="segmentation_question")


def profile_targets(personas: pd.DataFrame, persona_profiles: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """Target z-score per persona (rows, indexed by segment_id) and feature (columns); NaN where unspecified.

    Profile rows for features the segmentation does not use are ignored: a persona can describe more than
    one question's features.
    """
    unknown_levels = sorted(set(persona_profiles["expected_level"]) - set(LEVEL_Z_SCORES))
    if unknown_levels:
        raise PersonaConfigError(
            f"seed persona_profiles, column expected_level: {unknown_levels} are not one of {list(LEVEL_Z_SCORES)}."
        )
    unknown_personas = sorted(set(persona_profiles["persona"]) - set(personas["persona"]))
    if unknown_personas:
        raise PersonaConfigError(f"seed persona_profiles, column persona: {unknown_personas} are not in seed personas.")
    used = persona_profiles[persona_profiles["feature"].isin(features)]
    unprofiled = sorted(set(personas["persona"]) - set(used["persona"]))
    if unprofiled:
        # A persona without a target on any clustered feature would match every centroid perfectly.
        raise PersonaConfigError(
            f"seed persona_profiles: {unprofiled} have no expected_level for any clustered feature {list(features)}."
        )
    targets = used.assign(target=used["expected_level"].map(LEVEL_Z_SCORES)).pivot(
        index="persona", columns="feature", values="target"
    )
    by_persona = personas.set_index("persona")["segment_id"]
    targets = targets.reindex(index=by_persona.index, columns=list(features))
    targets.index = by_persona.to_numpy()
    targets.index.name = "segment_id"
    return targets.sort_index()


def profile_mismatch(centroids_scaled: np.ndarray, targets: pd.DataFrame) -> np.ndarray:
    """Mean squared gap between each centroid (rows) and each persona's profile (columns), over the features
    the persona specifies. A mean, not a sum, so personas described by few features are not favoured."""
    gaps = centroids_scaled[:, None, :] - targets.to_numpy()[None, :, :]
    specified = ~np.isnan(gaps)
    squared = np.where(specified, gaps**2, 0.0).sum(axis=2)
    counts = specified.sum(axis=2)
    return np.divide(squared, counts, out=np.zeros_like(squared), where=counts > 0)


def match_clusters_to_personas(centroids_scaled: np.ndarray, targets: pd.DataFrame) -> np.ndarray:
    """segment_id for each cluster (row of centroids_scaled): the one-to-one matching of clusters to personas
    with the smallest total profile mismatch (Hungarian algorithm)."""
    n_clusters, n_personas = centroids_scaled.shape[0], targets.shape[0]
    if n_clusters > n_personas:
        raise PersonaConfigError(
            f"var n_segments is {n_clusters} but seed personas defines only {n_personas} personas; "
            "every segment needs its own persona (add personas or lower n_segments)."
        )
    clusters, personas = linear_sum_assignment(profile_mismatch(centroids_scaled, targets))
    segment_ids = np.empty(n_clusters, dtype="int64")
    segment_ids[clusters] = targets.index.to_numpy()[personas]
    return segment_ids

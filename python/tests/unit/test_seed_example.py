"""The source document's own 8-member example, run with its own recipe, must name its members as it does."""

from __future__ import annotations

import pandas as pd
from member_segmentation.pipeline import assign_members_to_segments, fit_segment_centroids
from member_segmentation.settings import SegmentationSettings

from tests.support import FEATURES

SEED_EXAMPLE = pd.DataFrame(
    [
        ("1001", 28, 120, 6500, 1, 2, 3, 0),
        ("1002", 45, 35, 2500, 8, 12, 15, 2),
        ("1003", 62, 20, 500, 16, 18, 20, 5),
        ("1004", 31, 280, 7000, 0, 1, 1, 1),
        ("1005", 54, 75, 1200, 10, 9, 10, 4),
        ("1006", 39, 210, 5000, 3, 4, 5, 1),
        ("1007", 27, 15, 0, 5, 7, 6, 2),
        ("1008", 58, 60, 1000, 14, 15, 18, 6),
    ],
    columns=["member_id", *FEATURES],
).assign(as_of_date=pd.Timestamp("2025-12-31"))

# The source's recipe: StandardScaler, KMeans(n_clusters=4, random_state=42, n_init=10), no transform, no
# clipping: a question's transform none and clip_quantile null.
SEED_RECIPE = SegmentationSettings(
    question="consumer_engagement",
    features=FEATURES,
    log1p_features=frozenset(),
    transform="none",
    clip_quantile=None,
    n_segments=4,
    random_state=42,
    n_init=10,
)


def test_seed_recipe_names_the_source_members_as_the_source_does(personas, persona_profiles, engagement_personas):
    centroids = fit_segment_centroids(SEED_EXAMPLE, personas, persona_profiles, SEED_RECIPE)
    assigned = assign_members_to_segments(SEED_EXAMPLE, centroids).merge(engagement_personas, on="segment_id")
    persona_of = assigned.set_index("member_id")["persona"]

    assert persona_of["1001"] == "Digital Learners"
    assert persona_of["1002"] == "Highly Engaged Users"
    assert persona_of["1003"] == "Care Management Members"


def test_seed_recipe_uses_all_four_personas_once(personas, persona_profiles):
    centroids = fit_segment_centroids(SEED_EXAMPLE, personas, persona_profiles, SEED_RECIPE)

    assert sorted(centroids["segment_id"].unique()) == [1, 2, 3, 4]

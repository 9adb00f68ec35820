from member_segmentation.pipeline import assign_members_to_segments
from member_segmentation.timings import timed


def model(dbt, session):
    """Assign every active member to the nearest fitted segment centroid (see the yml)."""
    dbt.config(materialized="table")
    with timed("member_segments", "load"):
        members = dbt.ref("member_features").df()
        centroids = dbt.ref("segment_centroids").df()
    return assign_members_to_segments(members, centroids)

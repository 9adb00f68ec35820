from member_segmentation.pipeline import assign_members_to_segments


def model(dbt, session):
    """Assign every active member to the nearest fitted segment centroid (see the yml)."""
    dbt.config(materialized="table")
    members = dbt.ref("member_features").df()
    centroids = dbt.ref("segment_centroids").df()
    return assign_members_to_segments(members, centroids)

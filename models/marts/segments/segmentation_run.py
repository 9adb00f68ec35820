from datetime import UTC, datetime

from member_segmentation.pipeline import describe_segmentation_run
from member_segmentation.settings import settings_from_config


def model(dbt, session):
    """Record what this run used and produced, for audit and reproduction (see the yml)."""
    dbt.config(materialized="table")
    member_segments = dbt.ref("member_segments").df()
    centroids = dbt.ref("segment_centroids").df()
    settings = settings_from_config(dbt.config.get("segmentation"))
    return describe_segmentation_run(member_segments, centroids, settings, recorded_at=datetime.now(UTC))

from datetime import UTC, datetime

from member_segmentation.frames import to_pandas
from member_segmentation.pipeline import describe_segmentation_run
from member_segmentation.settings import settings_from_config


def model(dbt, session):
    """Record what this run used and produced, for audit and reproduction (see the yml)."""
    dbt.config(materialized="table")
    distances = to_pandas(dbt.ref("member_segments"), columns=["distance_to_centroid"])
    centroids = to_pandas(dbt.ref("segment_centroids"))
    settings = settings_from_config(dbt.config.get("segmentation"))
    return describe_segmentation_run(distances, centroids, settings, recorded_at=datetime.now(UTC))

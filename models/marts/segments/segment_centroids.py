from member_segmentation.pipeline import fit_segment_centroids
from member_segmentation.settings import settings_from_config
from member_segmentation.timings import timed


def model(dbt, session):
    """Fit the segmentation on today's feature mart; one row per segment and feature (see the yml)."""
    dbt.config(materialized="table")
    settings = settings_from_config(dbt.config.get("segmentation"))
    with timed("segment_centroids", "load"):
        members = dbt.ref("member_features").df()
        personas = dbt.ref("personas").df()
        persona_profiles = dbt.ref("persona_profiles").df()
    return fit_segment_centroids(members, personas, persona_profiles, settings)

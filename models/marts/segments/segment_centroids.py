from member_segmentation.pipeline import fit_segment_centroids
from member_segmentation.settings import settings_from_config


def model(dbt, session):
    """Fit the segmentation on today's feature mart; one row per segment and feature (see the yml)."""
    dbt.config(materialized="table")
    members = dbt.ref("member_features").df()
    personas = dbt.ref("personas").df()
    persona_profiles = dbt.ref("persona_profiles").df()
    settings = settings_from_config(dbt.config.get("segmentation"))
    return fit_segment_centroids(members, personas, persona_profiles, settings)

from member_segmentation.frames import to_pandas
from member_segmentation.history import previous_run_centroids
from member_segmentation.pipeline import as_of_date_of, refresh_segment_centroids
from member_segmentation.settings import settings_from_config
from member_segmentation.timings import timed


def model(dbt, session):
    """Fit (or, in refresh_mode score, reuse) the segmentation for today's feature mart on the fit sample; one
    row per segment and feature (see the yml)."""
    dbt.config(materialized="table")
    settings = settings_from_config(dbt.config.get("segmentation"))
    with timed("segment_centroids", "load"):
        members = to_pandas(dbt.ref("int_members_sampled_for_fit"))
        personas = to_pandas(dbt.ref("personas"))
        persona_profiles = to_pandas(dbt.ref("persona_profiles"))
        # The previous run's model comes from segment_centroid_history, which is built from this model: read
        # through the session, not ref'd, as member_segmentation/history.py explains.
        previous = previous_run_centroids(session, dbt.this, as_of_date_of(members), settings.question)
    return refresh_segment_centroids(members, personas, persona_profiles, settings, previous)

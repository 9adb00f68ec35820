{#- This build's fitted model, appended to the earlier as-of dates' (incremental by as_of_date).
    The next build's segment_centroids reads its previous run from here (member_segmentation/history.py). -#}
{{ config(**incremental_by_as_of_date()) }}

with

segment_centroids as (

    select * from {{ ref('segment_centroids') }}

),

personas as (

    select * from {{ ref('int_personas_filtered_to_question') }}

),

centroids as (

    select
        segment_centroids.as_of_date,
        segment_centroids.segmentation_question,
        segment_centroids.segment_id,
        personas.persona,
        segment_centroids.feature_position,
        segment_centroids.feature,
        segment_centroids.log1p_applied,
        segment_centroids.feature_transform,
        segment_centroids.transform_lambda,
        segment_centroids.clip_lower,
        segment_centroids.clip_upper,
        segment_centroids.scaler_center,
        segment_centroids.scaler_scale,
        segment_centroids.centroid_scaled,
        segment_centroids.centroid_value,
        segment_centroids.profile_target_z,
        segment_centroids.refresh_mode,
        segment_centroids.centroids_from_as_of_date

    from segment_centroids
    inner join personas on segment_centroids.segment_id = personas.segment_id

)

select * from centroids

{#- This build's assignments, appended to the earlier as-of dates' (incremental by as_of_date: re-building a
    date replaces its rows). -#}
{{ config(**incremental_by_as_of_date()) }}

with

member_segments as (

    select * from {{ ref('member_segments') }}

),

personas as (

    select * from {{ ref('int_personas_filtered_to_question') }}

),

assignments as (

    select
        member_segments.member_id,
        member_segments.as_of_date,
        personas.segmentation_question,
        member_segments.segment_id,
        personas.persona,
        member_segments.distance_to_centroid

    from member_segments
    inner join personas on member_segments.segment_id = personas.segment_id

)

select * from assignments

with

member_segments as (

    select * from {{ ref('member_segments') }}

),

personas as (

    select * from {{ ref('personas') }}
    where segmentation_question = {{ segmentation_question() }}

),

outreach_actions as (

    select * from {{ ref('outreach_actions') }}
    where segmentation_question = {{ segmentation_question() }}

),

outreach as (

    select
        member_segments.member_id,
        member_segments.as_of_date,
        member_segments.segment_id,
        personas.persona,
        outreach_actions.recommended_action,
        outreach_actions.outreach_channel,
        member_segments.distance_to_centroid

    from member_segments
    inner join personas on member_segments.segment_id = personas.segment_id
    left join outreach_actions on personas.persona = outreach_actions.persona

)

select * from outreach

with

member_segments as (

    select * from {{ ref('member_segments') }}

),

segment_reviews as (

    select * from {{ ref('segment_reviews') }}

),

outreach as (

    select
        member_segments.member_id,
        member_segments.as_of_date,
        member_segments.segment_id,
        segment_reviews.persona,
        segment_reviews.matched_persona,
        segment_reviews.review_reason,
        segment_reviews.recommended_action,
        segment_reviews.outreach_channel,
        member_segments.distance_to_centroid

    from member_segments
    inner join segment_reviews on member_segments.segment_id = segment_reviews.segment_id

)

select * from outreach

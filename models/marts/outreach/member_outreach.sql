with

member_segments as (

    select * from {{ ref('member_segments') }}

),

segment_reviews as (

    select * from {{ ref('segment_reviews') }}

),

distance_ranks as (

    -- 0 for the segment's most typical member, 1 for its least typical; ties share a rank.
    select
        *,
        percent_rank() over (partition by segment_id order by distance_to_centroid) as distance_percentile

    from member_segments

),

outreach as (

    select
        distance_ranks.member_id,
        distance_ranks.as_of_date,
        distance_ranks.segment_id,
        segment_reviews.persona,
        segment_reviews.matched_persona,
        segment_reviews.review_reason,
        segment_reviews.recommended_action,
        segment_reviews.outreach_channel,
        distance_ranks.distance_to_centroid,
        cast(distance_ranks.distance_percentile as {{ type_double() }}) as distance_percentile,
        case
            when distance_ranks.distance_percentile > {{ var('member_review_distance_percentile') }} then 'low'
            when distance_ranks.distance_percentile > 0.5 then 'medium'
            else 'high'
        end as confidence_band,
        distance_ranks.distance_percentile > {{ var('member_review_distance_percentile') }} as flagged_for_review

    from distance_ranks
    inner join segment_reviews on distance_ranks.segment_id = segment_reviews.segment_id

)

select * from outreach

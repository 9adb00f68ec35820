with

member_segments as (

    select * from {{ ref('member_segments') }}

),

segment_reviews as (

    select * from {{ ref('segment_reviews') }}

),

contact_preferences as (

    -- The latest valid preference per member and channel; a member without a row has not opted out.
    select * from {{ ref('int_contact_preferences_latest') }}

),

unreadable_preferences as (

    -- Members with a rejected preference row that may be an opt-out of the channel: suppressed until fixed.
    select * from {{ ref('int_contact_preferences_unreadable') }}

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
        distance_ranks.distance_percentile > {{ var('member_review_distance_percentile') }} as flagged_for_review,
        -- Drawn for every member, whatever the segment's review: the holdout is random within each persona.
        {{ outreach_group('distance_ranks.member_id', 'distance_ranks.as_of_date') }} as outreach_group,
        coalesce(contact_preferences.opted_out, false) as opted_out_of_channel,
        unreadable_preferences.member_id is not null as has_unreadable_preference

    from distance_ranks
    inner join segment_reviews on distance_ranks.segment_id = segment_reviews.segment_id
    left join contact_preferences
        on
            distance_ranks.member_id = contact_preferences.member_id
            and segment_reviews.outreach_channel = contact_preferences.channel
    left join unreadable_preferences
        on
            distance_ranks.member_id = unreadable_preferences.member_id
            and segment_reviews.outreach_channel = unreadable_preferences.channel

),

suppressions as (

    -- Only the outreach group is suppressed: a held-out member gets nothing by design, not for a reason.
    select
        member_id,
        as_of_date,
        segment_id,
        persona,
        matched_persona,
        review_reason,
        recommended_action,
        outreach_channel,
        distance_to_centroid,
        distance_percentile,
        confidence_band,
        flagged_for_review,
        outreach_group,
        case
            when outreach_group = 'holdout' then null
            -- An approved persona always has an action (seed outreach_actions, tested), so a member with no
            -- action is one whose segment needs review.
            when persona = 'Needs review' then 'persona_needs_review'
            when opted_out_of_channel then 'opted_out_of_channel'
            when has_unreadable_preference then 'contact_preference_unreadable'
        end as suppression_reason

    from outreach

)

select * from suppressions

with

segment_centroids as (

    select * from {{ ref('segment_centroids') }}

),

personas as (

    select * from {{ ref('int_personas_filtered_to_question') }}

),

outreach_actions as (

    select * from {{ ref('outreach_actions') }}
    where segmentation_question = {{ segmentation_question() }}

),

profile_fit as (

    -- Root-mean-square gap between the centroid and the matched persona's declared profile, over the features
    -- the profile names: how well the cluster looks like the persona it was matched to.
    select
        segment_id,
        as_of_date,
        {{ persona_profile_distance('centroid_scaled', 'profile_target_z') }} as persona_profile_distance

    from segment_centroids
    group by segment_id, as_of_date

),

review_checks as (

    -- Each check gives a reason when it fails, null when it passes.
    select
        profile_fit.segment_id,
        profile_fit.as_of_date,
        personas.segmentation_question,
        personas.persona as matched_persona,
        personas.review_status,
        personas.reviewed_by,
        personas.reviewed_on,
        profile_fit.persona_profile_distance,
        case
            when personas.review_status != 'approved'
                then
                    {{ dbt.concat([
                        "'persona '", "personas.persona", "' is '", "personas.review_status", "', not approved'"
                    ]) }}
        end as approval_reason,
        case
            when profile_fit.persona_profile_distance is null
                then 'the persona profile names none of the clustered features'
            when profile_fit.persona_profile_distance > {{ var('persona_match_max_distance') }}
                then {{ dbt.concat([
                    "'centroid is '",
                    "cast(round(profile_fit.persona_profile_distance, 2) as " ~ dbt.type_string() ~ ")",
                    "' from the persona profile (RMS z-gap; at most " ~ var('persona_match_max_distance') ~ " allowed)'",
                ]) }}
        end as profile_fit_reason

    from profile_fit
    inner join personas on profile_fit.segment_id = personas.segment_id

),

review_decisions as (

    select
        *,
        approval_reason is not null or profile_fit_reason is not null as needs_review,
        case
            when approval_reason is not null and profile_fit_reason is not null
                then {{ dbt.concat(["approval_reason", "'; '", "profile_fit_reason"]) }}
            else coalesce(approval_reason, profile_fit_reason)
        end as review_reason

    from review_checks

),

reviewed_segments as (

    -- A segment in review is no persona and gets no automated outreach until a person decides.
    select
        review_decisions.segment_id,
        review_decisions.as_of_date,
        review_decisions.segmentation_question,
        review_decisions.matched_persona,
        review_decisions.needs_review,
        review_decisions.review_reason,
        review_decisions.review_status,
        review_decisions.reviewed_by,
        review_decisions.reviewed_on,
        review_decisions.persona_profile_distance,
        case when review_decisions.needs_review then 'Needs review' else review_decisions.matched_persona end
            as persona,
        case when not review_decisions.needs_review then outreach_actions.recommended_action end
            as recommended_action,
        case when not review_decisions.needs_review then outreach_actions.outreach_channel end
            as outreach_channel

    from review_decisions
    left join outreach_actions on review_decisions.matched_persona = outreach_actions.persona

)

select * from reviewed_segments

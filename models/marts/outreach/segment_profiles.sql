with

member_segments as (

    select * from {{ ref('member_segments') }}

),

member_features as (

    select * from {{ ref('member_features') }}

),

segment_reviews as (

    select * from {{ ref('segment_reviews') }}

),

feature_means as (

    select
        member_segments.segment_id,
        member_segments.as_of_date,
        count(*) as member_count,
        cast(avg(member_features.age) as {{ type_double() }}) as mean_age,
        cast(avg(member_features.premium) as {{ type_double() }}) as mean_premium,
        cast(avg(member_features.deductible) as {{ type_double() }}) as mean_deductible,
        cast(avg(member_features.claims) as {{ type_double() }}) as mean_claims,
        cast(avg(member_features.portal_logins) as {{ type_double() }}) as mean_portal_logins,
        cast(avg(member_features.email_opens) as {{ type_double() }}) as mean_email_opens,
        cast(avg(member_features.call_center) as {{ type_double() }}) as mean_call_center,
        cast(avg(member_features.paid_amount_per_member_month) as {{ type_double() }})
            as mean_paid_amount_per_member_month,
        cast(avg(member_segments.distance_to_centroid) as {{ type_double() }}) as mean_distance_to_centroid

    from member_segments
    inner join member_features on member_segments.member_id = member_features.member_id
    group by member_segments.segment_id, member_segments.as_of_date

),

profiles as (

    select
        feature_means.segment_id,
        segment_reviews.persona,
        segment_reviews.matched_persona,
        segment_reviews.review_status,
        segment_reviews.review_reason,
        feature_means.as_of_date,
        feature_means.member_count,
        cast(feature_means.member_count as {{ type_double() }})
            / sum(feature_means.member_count) over () as member_share,
        feature_means.mean_age,
        feature_means.mean_premium,
        feature_means.mean_deductible,
        feature_means.mean_claims,
        feature_means.mean_portal_logins,
        feature_means.mean_email_opens,
        feature_means.mean_call_center,
        feature_means.mean_paid_amount_per_member_month,
        feature_means.mean_distance_to_centroid,
        segment_reviews.persona_profile_distance

    from feature_means
    inner join segment_reviews on feature_means.segment_id = segment_reviews.segment_id

)

select * from profiles

{#- Every member_features feature gets a centroid z-score column, null when the question does not cluster on it,
    so the contract holds for every segmentation question. -#}
{%- set profile_features = [
    'age', 'premium', 'deductible', 'claims', 'portal_logins', 'email_opens', 'call_center',
    'paid_amount_per_member_month',
] -%}

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

segment_centroids as (

    select * from {{ ref('segment_centroids') }}

),

feature_phrases as (

    select * from {{ ref('feature_phrases') }}

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

centroid_z_scores as (

    select
        segment_id,
        {% for feature in profile_features %}
            cast(max(case when feature = '{{ feature }}' then centroid_scaled end) as {{ type_double() }})
                as centroid_z_{{ feature }}{% if not loop.last %},{% endif %}
        {% endfor %}

    from segment_centroids
    group by segment_id

),

distinguishing_features as (

    -- The clustered features that set the segment apart: largest |z| first (ties in feature order), and only
    -- those at least var('profile_min_abs_z') standard deviations from the plan average.
    select
        segment_id,
        feature,
        centroid_scaled,
        case when centroid_scaled > 0 then 'high' else 'low' end as direction,
        row_number() over (
            partition by segment_id
            order by abs(centroid_scaled) desc, feature_position
        ) as distinction_rank

    from segment_centroids
    where abs(centroid_scaled) >= {{ var('profile_min_abs_z') }}

),

described_features as (

    -- A feature without a phrase in the seed is still named, as "<feature> high|low".
    select
        distinguishing_features.segment_id,
        distinguishing_features.distinction_rank,
        {{ dbt.concat([
            "distinguishing_features.feature",
            "' '",
            "case when distinguishing_features.centroid_scaled > 0 then '+' else '' end",
            "cast(round(distinguishing_features.centroid_scaled, 2) as " ~ dbt.type_string() ~ ")",
        ]) }} as feature_with_z,
        coalesce(
            feature_phrases.phrase,
            {{ dbt.concat(["distinguishing_features.feature", "' '", "distinguishing_features.direction"]) }}
        ) as phrase

    from distinguishing_features
    left join feature_phrases
        on
            distinguishing_features.feature = feature_phrases.feature
            and distinguishing_features.direction = feature_phrases.direction
    where distinguishing_features.distinction_rank <= {{ var('profile_top_features') }}

),

descriptions as (

    select
        segment_id,
        {{ dbt.listagg("feature_with_z", "', '", "order by distinction_rank") }} as top_features,
        {{ dbt.listagg("phrase", "', '", "order by distinction_rank") }} as description

    from described_features
    group by segment_id

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
        segment_reviews.persona_profile_distance,
        {% for feature in profile_features %}
            centroid_z_scores.centroid_z_{{ feature }},
        {% endfor %}
        descriptions.top_features,
        coalesce(descriptions.description, 'close to the plan average on every clustered feature') as description

    from feature_means
    inner join segment_reviews on feature_means.segment_id = segment_reviews.segment_id
    inner join centroid_z_scores on feature_means.segment_id = centroid_z_scores.segment_id
    left join descriptions on feature_means.segment_id = descriptions.segment_id

)

select * from profiles

-- Which members would most benefit from preventive-care education? Covered members with at most
-- var('preventive_care_max_claims') claims in the lookback window, oldest first (education_priority).

with

member_outreach as (

    select * from {{ ref('member_outreach') }}

),

member_features as (

    select * from {{ ref('member_features') }}

),

few_claims as (

    select
        member_outreach.member_id,
        member_outreach.as_of_date,
        member_outreach.persona,
        member_features.age,
        member_features.claims,
        member_features.portal_logins,
        member_features.email_opens,
        member_outreach.recommended_action,
        member_outreach.outreach_channel

    from member_outreach
    inner join member_features
        on
            member_outreach.member_id = member_features.member_id
            and member_outreach.as_of_date = member_features.as_of_date
    where member_features.claims <= {{ var('preventive_care_max_claims') }}

),

prioritised as (

    select
        *,
        -- Cast: row_number is a bigint on DuckDB but an int on Spark, and the contract says bigint.
        cast(row_number() over (
            partition by as_of_date order by age desc, member_id asc
        ) as {{ dbt.type_bigint() }}) as education_priority

    from few_claims

)

select * from prioritised

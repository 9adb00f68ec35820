-- Question: which members would most benefit from preventive-care education?
-- Answer: members covered on the as-of date who have not filed a single claim in the lookback window, so nothing
--   shows they used even the no-cost preventive visit ACA plans cover. Recommended screenings add up with age,
--   so the oldest come first (education_priority 1 = contact first). The persona's outreach channel says how
--   to reach each member.
-- Grain: one row per member (member_id) for the segmentation's as-of date.
-- Run (after a build): dbt compile --select preventive_care_education_candidates, then run the compiled file
--   read-only, e.g. duckdb -readonly warehouse/member_segmentation.duckdb
--   < target/compiled/member_segmentation/analyses/preventive_care_education_candidates.sql
--   (or preview it: dbt show --select preventive_care_education_candidates --limit 20).

with

member_outreach as (

    select * from {{ ref('member_outreach') }}

),

member_features as (

    select * from {{ ref('member_features') }}

),

without_claims as (

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
    where member_features.claims = 0

),

prioritised as (

    select
        *,
        row_number() over (order by age desc, member_id asc) as education_priority

    from without_claims

)

select * from prioritised
order by education_priority

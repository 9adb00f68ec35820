-- Question: which members prefer digital engagement over the call center?
-- Answer: members covered on the as-of date whose contact with the plan in the lookback window was mostly
--   digital: at least min_digital_interactions portal logins and email opens together (set below: about one
--   every two months, so a single login is not a preference) and at least min_digital_share of all their
--   interactions digital, call-center contacts being the rest. prefers_digital_but_phoned_by_plan marks those
--   whose persona's outreach goes by phone: candidates for moving that outreach to a digital channel.
-- Grain: one row per member (member_id) for the segmentation's as-of date, most digital first.
-- Run (after a build): dbt compile --select digital_over_call_center, then run the compiled file read-only,
--   e.g. duckdb -readonly warehouse/member_segmentation.duckdb
--   < target/compiled/member_segmentation/analyses/digital_over_call_center.sql
--   (or preview it: dbt show --select digital_over_call_center --limit 20).

{% set min_digital_interactions = 6 %}
{% set min_digital_share = 0.8 %}

with

member_outreach as (

    select * from {{ ref('member_outreach') }}

),

member_features as (

    select * from {{ ref('member_features') }}

),

interactions as (

    select
        member_outreach.member_id,
        member_outreach.as_of_date,
        member_outreach.persona,
        member_features.portal_logins,
        member_features.email_opens,
        member_features.call_center,
        member_outreach.recommended_action,
        member_outreach.outreach_channel,
        member_features.portal_logins + member_features.email_opens as digital_interactions

    from member_outreach
    inner join member_features
        on
            member_outreach.member_id = member_features.member_id
            and member_outreach.as_of_date = member_features.as_of_date

),

channel_mix as (

    select
        *,
        cast(digital_interactions as {{ type_double() }})
        / nullif(digital_interactions + call_center, 0) as digital_share,
        outreach_channel = 'phone' as prefers_digital_but_phoned_by_plan

    from interactions

),

prefers_digital as (

    select * from channel_mix
    where
        digital_interactions >= {{ min_digital_interactions }}
        and digital_share >= {{ min_digital_share }}

)

select * from prefers_digital
order by digital_share desc, digital_interactions desc, member_id asc

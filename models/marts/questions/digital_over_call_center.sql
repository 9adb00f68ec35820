-- Which members prefer digital engagement over the call center? At least var('digital_min_interactions')
-- portal logins and email opens in the window, and at least var('digital_min_share') of all interactions digital.

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
        coalesce(outreach_channel = 'phone', false) as prefers_digital_but_phoned_by_plan

    from interactions

),

prefers_digital as (

    select * from channel_mix
    where
        digital_interactions >= {{ var('digital_min_interactions') }}
        and digital_share >= {{ var('digital_min_share') }}

)

select * from prefers_digital

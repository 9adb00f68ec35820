{#- What a campaign tool loads: the members to contact this month and nothing more. -#}
with

member_outreach as (

    select * from {{ ref('member_outreach') }}

),

members as (

    select * from {{ ref('int_members_validated') }}
    where rejection_rule is null

),

send_list as (

    -- The outreach group less the suppressed: the holdout and every suppression_reason stay out.
    select
        member_outreach.member_id,
        member_outreach.as_of_date,
        member_outreach.recommended_action,
        member_outreach.outreach_channel,
        members.preferred_language

    from member_outreach
    inner join members on member_outreach.member_id = members.member_id
    where
        member_outreach.outreach_group = 'outreach'
        and member_outreach.suppression_reason is null

)

select * from send_list

-- Every member of member_outreach is in exactly one of: sent (on outreach_send_list), held out (outreach_group
-- holdout), suppressed with a reason. A member in none, or in two (a held-out or suppressed member on the send
-- list), is returned.
with

member_outreach as (

    select * from {{ ref('member_outreach') }}

),

send_list as (

    select * from {{ ref('outreach_send_list') }}

),

memberships as (

    select
        member_outreach.member_id,
        member_outreach.outreach_group,
        member_outreach.suppression_reason,
        send_list.member_id is not null as is_sent,
        (case when send_list.member_id is not null then 1 else 0 end)
        + (case when member_outreach.outreach_group = 'holdout' then 1 else 0 end)
        + (case when member_outreach.suppression_reason is not null then 1 else 0 end) as places

    from member_outreach
    left join send_list
        on
            member_outreach.member_id = send_list.member_id
            and member_outreach.as_of_date = send_list.as_of_date

)

select * from memberships
where places != 1

-- No one on the send list has opted out of the action's channel: an opt-out in contact_preferences holds unless
-- a later valid row for the same member and channel opts back in (the latest row wins; at the same moment the
-- opt-out wins). Checked from the validated rows, apart from int_contact_preferences_latest's own logic.
with

send_list as (

    select * from {{ ref('outreach_send_list') }}

),

preferences as (

    select * from {{ ref('int_contact_preferences_validated') }}
    where rejection_rule is null

),

standing_opt_outs as (

    select
        opt_outs.member_id,
        opt_outs.channel,
        opt_outs.updated_at

    from preferences as opt_outs
    left join preferences as opt_ins
        on
            opt_outs.member_id = opt_ins.member_id
            and opt_outs.channel = opt_ins.channel
            and opt_outs.updated_at < opt_ins.updated_at
            and not opt_ins.opted_out
    where opt_outs.opted_out and opt_ins.member_id is null

)

select
    send_list.member_id,
    send_list.outreach_channel,
    standing_opt_outs.updated_at as opted_out_at

from send_list
inner join standing_opt_outs
    on
        send_list.member_id = standing_opt_outs.member_id
        and send_list.outreach_channel = standing_opt_outs.channel

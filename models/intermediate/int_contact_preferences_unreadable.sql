with

rejected_preferences as (

    select
        member_id,
        channel,
        opted_out,
        rejection_rule

    from {{ ref('int_contact_preferences_validated') }}
    where rejection_rule is not null

),

unreadable as (

    -- Rejected rows that may be an opt-out in force: the wish itself could not be read, or an opt-out whose
    -- moment could not be read (so no later row can be known to replace it). An opt-in with a bad timestamp,
    -- a row for an unknown member or channel, and a row recorded after the as-of date are not among them.
    select
        member_id,
        channel

    from rejected_preferences
    where
        rejection_rule in ('opted_out_missing', 'opted_out_unparseable')
        or (
            rejection_rule in ('updated_at_missing', 'updated_at_unparseable', 'updated_at_out_of_range')
            and opted_out
        )
    group by member_id, channel

)

select * from unreadable

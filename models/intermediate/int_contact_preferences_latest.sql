with

valid_preferences as (

    select
        member_id,
        channel,
        opted_out,
        updated_at

    from {{ ref('int_contact_preferences_validated') }}
    where rejection_rule is null

),

ranked as (

    -- The latest row per member and channel is the member's preference. Two rows recorded at the same moment
    -- that disagree leave the wish unclear: the opt-out wins (true sorts before false descending), the choice
    -- that never contacts a member who may have said no.
    select
        *,
        row_number() over (
            partition by member_id, channel
            order by updated_at desc, opted_out desc
        ) as preference_rank

    from valid_preferences

),

latest as (

    select
        member_id,
        channel,
        opted_out,
        updated_at

    from ranked
    where preference_rank = 1

)

select * from latest

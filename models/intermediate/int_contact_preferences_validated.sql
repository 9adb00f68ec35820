with

contact_preferences as (

    select * from {{ ref('stg_plan_extracts__contact_preferences') }}

),

members as (

    -- Every member id of the members extract (a member id listed twice is still known), once: joined below,
    -- as in int_enrollments_validated (a `not in (subquery)` would be a nested-loop join on Spark).
    select member_id as known_member_id from {{ ref('stg_plan_extracts__members') }}
    where member_id is not null
    group by member_id

),

channels as (

    -- The channels the plan reaches members by: those its outreach actions use (seed outreach_actions).
    select outreach_channel as known_channel from {{ ref('outreach_actions') }}
    group by outreach_channel

),

checked as (

    -- A preference recorded after the as-of date cannot apply on it; one that is true, false or a later
    -- reversal of an earlier row is valid (int_contact_preferences_latest keeps the latest per channel).
    select
        contact_preferences.*,
        {{ extract_natural_key(['member_id', 'channel', 'updated_at']) }} as natural_key,
        case
            {{ reject_blank('member_id') }}
            when members.known_member_id is null then 'member_id_unknown'
            {{ reject_blank('channel') }}
            when channels.known_channel is null then 'channel_unknown_value'
            {{ reject_missing_or_unparseable('opted_out', 'opted_out') }}
            {{ reject_missing_or_unparseable('updated_at', 'updated_at') }}
            {{ reject_date_out_of_range('updated_at', 'updated_at') }}
            when cast(contact_preferences.updated_at as date) > {{ as_of_date() }} then 'updated_at_after_as_of_date'
        end as rejection_rule

    from contact_preferences
    left join members on contact_preferences.member_id = members.known_member_id
    left join channels on contact_preferences.channel = channels.known_channel

),

validated as (

    -- The natural key and the row as read are kept for rejected rows only; a valid row's columns say the same.
    select
        member_id,
        channel,
        opted_out,
        updated_at,
        rejection_rule,
        case when rejection_rule is not null then extract_row end as extract_row,
        case when rejection_rule is not null then natural_key end as natural_key

    from checked

)

select * from validated

with

email_events as (

    select * from {{ ref('stg_plan_extracts__email_events') }}

),

checked as (

    -- The row's own rules, then whether the members extract knows its member id.
    select
        *,
        {{ extract_natural_key(['member_id', 'campaign_id', 'event_type', 'event_at']) }} as natural_key,
        case
            {{ email_events_row_rules() }}
            {{ reject_unknown_member() }}
        end as rejection_rule

    from email_events

),

validated as (

    -- The natural key and the row as read are kept for rejected rows only; a valid row's columns say the same.
    select
        member_id,
        campaign_id,
        event_type,
        event_at,
        rejection_rule,
        case when rejection_rule is not null then extract_row end as extract_row,
        case when rejection_rule is not null then natural_key end as natural_key

    from checked

)

select * from validated

with

email_events as (

    select * from {{ ref('stg_plan_extracts__email_events') }}

),

valid_email_events as (

    -- The events that pass their own rules (email_events_row_rules; int_email_events_validated also rejects
    -- member ids the members extract lacks, which member_features enforces by joining only valid members).
    select * from email_events
    where (case {{ email_events_row_rules() }} end) is null

),

aggregated as (

    -- Only open events count. Every member id with a valid event gets a row, with 0 when no open is in the
    -- window: this one pass over the extract also tells int_member_ids_not_in_members its member ids, and the
    -- reconciliation how many rows were used.
    select
        member_id,
        count(
            case when event_type = 'open' and {{ is_in_lookback_window('cast(event_at as date)') }} then 1 end
        ) as email_opens,
        -- outreach_lift's outcome: was there a click after an earlier as-of date (member_outcome_history)?
        max(
            case
                when event_type = 'click' and cast(event_at as date) <= {{ as_of_date() }} then cast(event_at as date)
            end
        ) as last_click_date,
        count(*) as extract_rows

    from valid_email_events
    group by member_id

)

select * from aggregated

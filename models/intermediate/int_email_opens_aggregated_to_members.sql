with

email_events as (

    select * from {{ ref('stg_plan_extracts__email_events') }}

),

valid_email_events as (

    -- The rows that pass their own rules (email_events_row_rules). int_email_events_validated also rejects
    -- member ids the members extract lacks; member_features enforces that by joining only valid members.
    -- DuckDB applies the window filter below at the scan, so the rules only run on rows in the window.
    select * from email_events
    where (case {{ email_events_row_rules() }} end) is null

),

opens_in_window as (

    select * from valid_email_events
    where
        event_type = 'open'
        and {{ is_in_lookback_window('cast(event_at as date)') }}

),

aggregated as (

    select
        member_id,
        count(*) as email_opens

    from opens_in_window
    group by member_id

)

select * from aggregated

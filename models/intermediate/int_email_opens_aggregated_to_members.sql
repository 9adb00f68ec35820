with

email_events as (

    select * from {{ ref('stg_plan_extracts__email_events') }}

),

opens_in_window as (

    select * from email_events
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

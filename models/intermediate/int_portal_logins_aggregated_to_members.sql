with

portal_logins as (

    select * from {{ ref('stg_plan_extracts__portal_logins') }}

),

logins_in_window as (

    select * from portal_logins
    where {{ is_in_lookback_window('cast(login_at as date)') }}

),

aggregated as (

    select
        member_id,
        count(*) as portal_logins

    from logins_in_window
    group by member_id

)

select * from aggregated

with

portal_logins as (

    select * from {{ ref('stg_plan_extracts__portal_logins') }}

),

valid_logins as (

    -- The rows that pass their own rules (portal_logins_row_rules). int_portal_logins_validated also rejects
    -- member ids the members extract lacks; member_features enforces that by joining only valid members.
    -- DuckDB applies the window filter below at the scan, so the rules only run on rows in the window.
    select * from portal_logins
    where (case {{ portal_logins_row_rules() }} end) is null

),

logins_in_window as (

    select * from valid_logins
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

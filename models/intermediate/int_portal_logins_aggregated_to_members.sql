with

portal_logins as (

    select * from {{ ref('stg_plan_extracts__portal_logins') }}

),

valid_logins as (

    -- The logins that pass their own rules (portal_logins_row_rules; int_portal_logins_validated also rejects
    -- member ids the members extract lacks, which member_features enforces by joining only valid members).
    select * from portal_logins
    where (case {{ portal_logins_row_rules() }} end) is null

),

aggregated as (

    -- Every member id with a valid login gets a row, with 0 when none is in the window: this one pass over the
    -- extract also tells int_member_ids_not_in_members the extract's member ids, and the reconciliation how
    -- many rows were used.
    select
        member_id,
        count(case when {{ is_in_lookback_window('cast(login_at as date)') }} then 1 end) as portal_logins,
        -- outreach_lift's outcome: was there a login after an earlier as-of date (member_outcome_history)?
        max(case when cast(login_at as date) <= {{ as_of_date() }} then cast(login_at as date) end) as last_login_date,
        count(*) as extract_rows

    from valid_logins
    group by member_id

)

select * from aggregated

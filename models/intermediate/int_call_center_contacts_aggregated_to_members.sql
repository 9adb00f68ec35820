with

call_center_contacts as (

    select * from {{ ref('stg_plan_extracts__call_center_contacts') }}

),

valid_contacts as (

    -- The rows that pass their own rules (call_center_contacts_row_rules). int_call_center_contacts_validated
    -- also rejects member ids the members extract lacks; member_features enforces that by joining only valid
    -- members.
    -- DuckDB applies the window filter below at the scan, so the rules only run on rows in the window.
    select * from call_center_contacts
    where (case {{ call_center_contacts_row_rules() }} end) is null

),

contacts_in_window as (

    select * from valid_contacts
    where {{ is_in_lookback_window('cast(contact_at as date)') }}

),

aggregated as (

    select
        member_id,
        count(distinct contact_id) as call_center

    from contacts_in_window
    group by member_id

)

select * from aggregated

with

call_center_contacts as (

    select * from {{ ref('stg_plan_extracts__call_center_contacts') }}

),

valid_contact_rows as (

    -- The rows that pass their own rules (call_center_contacts_row_rules; int_call_center_contacts_validated
    -- also rejects member ids the members extract lacks, which member_features enforces by joining only
    -- valid members).
    select * from call_center_contacts
    where (case {{ call_center_contacts_row_rules() }} end) is null

),

contacts_of_members as (

    -- A transferred contact has several rows; it counts once.
    select
        member_id,
        contact_id,
        {{ dbt.bool_or(is_in_lookback_window('cast(contact_at as date)')) }} as has_row_in_window,
        max(
            case when cast(contact_at as date) <= {{ as_of_date() }} then cast(contact_at as date) end
        ) as last_row_date,
        count(*) as contact_rows

    from valid_contact_rows
    group by member_id, contact_id

),

aggregated as (

    -- Every member id with a valid contact gets a row, with 0 when none is in the window: this one pass over
    -- the extract also tells int_member_ids_not_in_members the extract's member ids, and the reconciliation
    -- how many rows were used.
    select
        member_id,
        count(case when has_row_in_window then 1 end) as call_center,
        -- outreach_lift's outcome: was there a contact after an earlier as-of date (member_outcome_history)?
        max(last_row_date) as last_contact_date,
        sum(contact_rows) as extract_rows

    from contacts_of_members
    group by member_id

)

select * from aggregated

with

call_center_contacts as (

    select * from {{ ref('stg_plan_extracts__call_center_contacts') }}

),

contacts_in_window as (

    select * from call_center_contacts
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

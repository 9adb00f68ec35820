with

call_center_contacts as (

    select * from {{ ref('stg_plan_extracts__call_center_contacts') }}

),

checked as (

    -- The row's own rules, then whether the members extract knows its member id.
    select
        *,
        {{ extract_natural_key(['contact_id']) }} as natural_key,
        case
            {{ call_center_contacts_row_rules() }}
            {{ reject_unknown_member() }}
        end as rejection_rule

    from call_center_contacts

),

validated as (

    -- The natural key and the row as read are kept for rejected rows only; a valid row's columns say the same.
    select
        contact_id,
        member_id,
        contact_at,
        reason,
        rejection_rule,
        case when rejection_rule is not null then extract_row end as extract_row,
        case when rejection_rule is not null then natural_key end as natural_key

    from checked

)

select * from validated

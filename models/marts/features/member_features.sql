-- An extract with no rows, or none valid, stops the build here, naming it (macros/unusable_extracts.sql).
{{ stop_if_an_extract_is_unusable() }}

with

current_enrollments as (

    select * from {{ ref('int_enrollments_active_on_as_of_date') }}

),

members as (

    select * from {{ ref('int_members_validated') }}
    where rejection_rule is null

),

claims as (

    select * from {{ ref('int_claims_aggregated_to_members') }}

),

portal_logins as (

    select * from {{ ref('int_portal_logins_aggregated_to_members') }}

),

email_opens as (

    select * from {{ ref('int_email_opens_aggregated_to_members') }}

),

call_center_contacts as (

    select * from {{ ref('int_call_center_contacts_aggregated_to_members') }}

),

coverage_months as (

    select * from {{ ref('int_coverage_months_aggregated_to_members') }}

),

features as (

    -- A member with no activity in the window has no aggregate row: that is a count of 0, not unknown.
    select
        current_enrollments.member_id,
        {{ as_of_date() }} as as_of_date,
        cast({{ age_in_completed_years('members.birth_date', as_of_date()) }} as {{ dbt.type_int() }}) as age,
        current_enrollments.monthly_premium as premium,
        current_enrollments.deductible,
        cast(coalesce(claims.claims, 0) as {{ dbt.type_bigint() }}) as claims,
        cast(coalesce(portal_logins.portal_logins, 0) as {{ dbt.type_bigint() }}) as portal_logins,
        cast(coalesce(email_opens.email_opens, 0) as {{ dbt.type_bigint() }}) as email_opens,
        cast(coalesce(call_center_contacts.call_center, 0) as {{ dbt.type_bigint() }}) as call_center,
        -- Covered on the as-of date means at least one covered month, so the division is always defined.
        cast(coalesce(claims.paid_amount, 0) as {{ type_double() }})
        / coverage_months.covered_months as paid_amount_per_member_month

    from current_enrollments
    inner join members on current_enrollments.member_id = members.member_id
    left join claims on current_enrollments.member_id = claims.member_id
    left join portal_logins on current_enrollments.member_id = portal_logins.member_id
    left join email_opens on current_enrollments.member_id = email_opens.member_id
    left join call_center_contacts on current_enrollments.member_id = call_center_contacts.member_id
    left join coverage_months on current_enrollments.member_id = coverage_months.member_id

)

select * from features

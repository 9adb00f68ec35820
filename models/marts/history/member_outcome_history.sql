{#- Every valid member's outcome dates on this build's as-of date, appended to the earlier dates' (incremental by
    as_of_date). A last-event date, not a flag for a window, so that outreach_lift can follow up any earlier
    cohort (an event after the cohort's as-of date) however the as-of dates were built. -#}
{{ config(**incremental_by_as_of_date()) }}

with

members as (

    select * from {{ ref('int_members_validated') }}
    where rejection_rule is null

),

portal_logins as (

    select * from {{ ref('int_portal_logins_aggregated_to_members') }}

),

email_events as (

    select * from {{ ref('int_email_opens_aggregated_to_members') }}

),

call_center_contacts as (

    select * from {{ ref('int_call_center_contacts_aggregated_to_members') }}

),

claims as (

    select * from {{ ref('int_claims_aggregated_to_members') }}

),

coverage as (

    select * from {{ ref('int_enrollments_active_on_as_of_date') }}

),

outcomes as (

    select
        members.member_id,
        {{ as_of_date() }} as as_of_date,
        portal_logins.last_login_date as last_portal_login_date,
        email_events.last_click_date as last_email_click_date,
        call_center_contacts.last_contact_date as last_call_center_contact_date,
        claims.last_claim_date,
        coverage.member_id is not null as is_covered

    from members
    left join portal_logins on members.member_id = portal_logins.member_id
    left join email_events on members.member_id = email_events.member_id
    left join call_center_contacts on members.member_id = call_center_contacts.member_id
    left join claims on members.member_id = claims.member_id
    left join coverage on members.member_id = coverage.member_id

)

select * from outcomes

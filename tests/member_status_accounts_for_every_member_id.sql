-- Every member id the members extract holds, and every member id other extracts carry without a members row,
-- has a member_status row; no other id has one. (member_status' grain test makes it exactly one.)
with

expected_member_ids as (

    -- int_members_validated holds every row of the members extract, rejected or not, and is a table: the
    -- extract file is not read again.
    select member_id from {{ ref('int_members_validated') }}
    where member_id != ''

    union

    select member_id from {{ ref('int_member_ids_not_in_members') }}

),

reported_member_ids as (

    select member_id from {{ ref('member_status') }}

)

select
    coalesce(expected_member_ids.member_id, reported_member_ids.member_id) as member_id,
    expected_member_ids.member_id is not null as is_expected,
    reported_member_ids.member_id is not null as is_reported

from expected_member_ids
full outer join reported_member_ids on expected_member_ids.member_id = reported_member_ids.member_id
where expected_member_ids.member_id is null or reported_member_ids.member_id is null

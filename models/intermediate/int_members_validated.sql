with

members as (

    select * from {{ ref('stg_plan_extracts__members') }}

),

duplicated_member_ids as (

    select member_id from members
    group by member_id
    having count(*) > 1

),

checked as (

    -- Every row of a member id that appears twice is rejected: which date of birth is right is unknowable.
    select
        *,
        {{ extract_natural_key(['member_id']) }} as natural_key,
        case
            {{ reject_blank('member_id') }}
            when members.member_id in (select duplicated_member_ids.member_id from duplicated_member_ids)
                then 'member_id_duplicated'
            {{ reject_missing_or_unparseable('birth_date', 'date_of_birth') }}
            when members.birth_date > {{ as_of_date() }} then 'date_of_birth_after_as_of_date'
            when {{ age_in_completed_years('birth_date', as_of_date()) }} > 120 then 'age_over_120_on_as_of_date'
            {{ reject_blank('sex') }}
            {{ reject_unaccepted_value('sex', ['F', 'M', 'U']) }}
        end as rejection_rule

    from members

),

validated as (

    -- The natural key and the row as read are kept for rejected rows only; a valid row's columns say the same.
    select
        member_id,
        birth_date,
        sex,
        state,
        county_fips,
        preferred_language,
        rejection_rule,
        case when rejection_rule is not null then extract_row end as extract_row,
        case when rejection_rule is not null then natural_key end as natural_key

    from checked

)

select * from validated

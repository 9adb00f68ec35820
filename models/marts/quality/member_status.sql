with

members as (

    select * from {{ ref('int_members_validated') }}

),

enrollments as (

    select * from {{ ref('int_enrollments_validated') }}

),

member_ids_not_in_members as (

    select * from {{ ref('int_member_ids_not_in_members') }}

),

member_segments as (

    select * from {{ ref('member_segments') }}

),

member_ids as (

    -- Each member id of the members extract and the rule its rows broke: a valid id has one row, and every
    -- row of a duplicated id carries member_id_duplicated. A row without a member id has no member to report.
    select
        member_id,
        min(rejection_rule) as member_rejection_rule

    from members
    where rejection_rule is null or rejection_rule != 'member_id_missing'
    group by member_id

),

ranked_rejected_spans as (

    select
        member_id,
        rejection_rule,
        row_number() over (partition by member_id order by natural_key, rejection_rule) as span_rank

    from enrollments
    where rejection_rule is not null

),

member_facts as (

    select
        member_ids.member_id,
        member_ids.member_rejection_rule,
        ranked_rejected_spans.rejection_rule as span_rejection_rule,
        member_segments.member_id is not null as is_segmented

    from member_ids
    left join member_segments on member_ids.member_id = member_segments.member_id
    left join ranked_rejected_spans
        on
            member_ids.member_id = ranked_rejected_spans.member_id
            and ranked_rejected_spans.span_rank = 1

),

statuses as (

    -- A rejected members row decides first. A segmented member is segmented whatever else was rejected. A
    -- member left without a segment who has a rejected coverage span is rejected for it (the span might have
    -- covered the as-of date). Anyone else holds no valid coverage on the as-of date.
    select
        member_id,
        {{ as_of_date() }} as as_of_date,
        case
            when member_rejection_rule is not null then 'rejected'
            when is_segmented then 'segmented'
            when span_rejection_rule is not null then 'rejected'
            else 'not_covered_on_as_of_date'
        end as status,
        case
            when member_rejection_rule is not null then member_rejection_rule
            when not is_segmented then span_rejection_rule
        end as rejection_rule,
        case
            when member_rejection_rule is not null then 'members'
            when not is_segmented and span_rejection_rule is not null then 'enrollments'
        end as rejected_in,
        true as in_members_extract

    from member_facts

    union all

    -- Member ids that other extracts carry but the members extract does not: nothing about them can be used.
    select
        member_id,
        {{ as_of_date() }} as as_of_date,
        'rejected' as status,
        'member_id_unknown' as rejection_rule,
        found_in_extracts as rejected_in,
        false as in_members_extract

    from member_ids_not_in_members

)

select * from statuses

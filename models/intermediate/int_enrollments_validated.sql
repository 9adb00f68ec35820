with

enrollments as (

    select * from {{ ref('stg_plan_extracts__enrollments') }}

),

members as (

    -- Every member id of the members extract (a member id listed twice is still known), once: joined below.
    -- A `not in (subquery)` inside the case would be a nested-loop join on Spark (null-aware), quadratic in
    -- members (20 s at 20,000 members).
    select member_id as known_member_id from {{ ref('stg_plan_extracts__members') }}
    where member_id is not null
    group by member_id

),

plans as (

    select * from {{ ref('int_plans_validated') }}

),

plan_ids as (

    -- A plan id is usable when at least one of its rows passed validation (a duplicated plan id has none).
    select
        plan_id as known_plan_id,
        {{ dbt.bool_or('rejection_rule is null') }} as plan_has_valid_row

    from plans
    group by plan_id

),

duplicated_enrollment_ids as (

    select enrollment_id from enrollments
    group by enrollment_id
    having count(*) > 1

),

row_checked as (

    -- The rules a span breaks on its own. A coverage_end far in the future is allowed: some systems write
    -- 9999-12-31 for open-ended coverage.
    select
        enrollments.*,
        {{ extract_natural_key(['enrollment_id']) }} as natural_key,
        case
            {{ reject_blank('enrollment_id') }}
            when
                enrollments.enrollment_id in (
                    select duplicated_enrollment_ids.enrollment_id from duplicated_enrollment_ids
                )
                then 'enrollment_id_duplicated'
            {{ reject_blank('member_id') }}
            when members.known_member_id is null then 'member_id_unknown'
            {{ reject_blank('plan_id') }}
            when plan_ids.known_plan_id is null then 'plan_id_unknown'
            when not plan_ids.plan_has_valid_row then 'plan_id_rejected'
            {{ reject_missing_or_unparseable('coverage_start_date', 'coverage_start') }}
            {{ reject_date_out_of_range('coverage_start_date', 'coverage_start') }}
            {{ reject_unparseable('coverage_end_date', 'coverage_end') }}
            when enrollments.coverage_end_date < enrollments.coverage_start_date
                then 'coverage_end_before_coverage_start'
            {{ reject_missing_or_unparseable('monthly_premium', 'monthly_premium') }}
            {{ reject_negative('monthly_premium') }}
            {{ reject_implausible('monthly_premium', 'max_monthly_premium') }}
            {{ reject_unparseable('aptc_amount', 'aptc_amount') }}
            {{ reject_negative('aptc_amount') }}
            {{ reject_implausible('aptc_amount', 'max_aptc_amount') }}
        end as row_rule

    from enrollments
    left join plan_ids on enrollments.plan_id = plan_ids.known_plan_id
    left join members on enrollments.member_id = members.known_member_id

),

valid_spans as (

    select * from row_checked
    where row_rule is null

),

plans_held_twice as (

    -- A member's valid spans can only copy or overlap each other on the same plan, so only the member/plan
    -- pairs with more than one span need a closer look (normally a handful).
    select
        member_id,
        plan_id

    from valid_spans
    group by member_id, plan_id
    having count(*) > 1

),

spans_with_neighbours as (

    -- Per member and plan, in start order: how many spans have exactly these dates, the latest end of the
    -- spans that started before, and the start of the next.
    select
        valid_spans.enrollment_id,
        valid_spans.coverage_start_date,
        valid_spans.coverage_end_date,
        count(*) over (
            partition by
                valid_spans.member_id, valid_spans.plan_id,
                valid_spans.coverage_start_date, valid_spans.coverage_end_date
        ) as spans_with_these_dates,
        max(coalesce(valid_spans.coverage_end_date, cast('9999-12-31' as date))) over (
            partition by valid_spans.member_id, valid_spans.plan_id
            order by valid_spans.coverage_start_date, valid_spans.enrollment_id
            rows between unbounded preceding and 1 preceding
        ) as latest_end_of_earlier_spans,
        lead(valid_spans.coverage_start_date) over (
            partition by valid_spans.member_id, valid_spans.plan_id
            order by valid_spans.coverage_start_date, valid_spans.enrollment_id
        ) as start_of_next_span

    from valid_spans
    inner join plans_held_twice
        on
            valid_spans.member_id = plans_held_twice.member_id
            and valid_spans.plan_id = plans_held_twice.plan_id

),

span_rules as (

    -- Two spans of one member on different plans may overlap: that is a plan switch, and the latest start
    -- is the current one. On the same plan, an exact copy or an overlap (sharing at least one day) leaves
    -- the premium ambiguous, so every span involved is rejected.
    select
        enrollment_id,
        case
            when spans_with_these_dates > 1 then 'coverage_span_duplicated'
            when
                coverage_start_date <= latest_end_of_earlier_spans
                or start_of_next_span <= coalesce(coverage_end_date, cast('9999-12-31' as date))
                then 'coverage_span_overlaps_same_plan'
        end as span_rule

    from spans_with_neighbours

),

span_checked as (

    -- A valid span's enrollment_id is unique, so the join adds no rows.
    select
        row_checked.enrollment_id,
        row_checked.member_id,
        row_checked.plan_id,
        row_checked.coverage_start_date,
        row_checked.coverage_end_date,
        row_checked.monthly_premium,
        row_checked.aptc_amount,
        row_checked.natural_key,
        row_checked.extract_row,
        coalesce(row_checked.row_rule, span_rules.span_rule) as rejection_rule

    from row_checked
    left join span_rules
        on
            row_checked.enrollment_id = span_rules.enrollment_id
            and row_checked.row_rule is null

),

validated as (

    -- The natural key and the row as read are kept for rejected rows only; a valid row's columns say the same.
    select
        enrollment_id,
        member_id,
        plan_id,
        coverage_start_date,
        coverage_end_date,
        monthly_premium,
        aptc_amount,
        rejection_rule,
        case when rejection_rule is not null then extract_row end as extract_row,
        case when rejection_rule is not null then natural_key end as natural_key

    from span_checked

)

select * from validated

with

enrollments as (

    select * from {{ ref('int_enrollments_validated') }}
    where rejection_rule is null

),

plans as (

    select * from {{ ref('int_plans_validated') }}
    where rejection_rule is null

),

members as (

    select * from {{ ref('int_members_validated') }}
    where rejection_rule is null

),

active_on_as_of_date as (

    select * from enrollments
    where
        coverage_start_date <= {{ as_of_date() }}
        and (coverage_end_date is null or coverage_end_date >= {{ as_of_date() }})
        and member_id in (select member_id from members)  -- noqa: RF02

),

ranked_by_recency as (

    -- A member with overlapping spans (a plan switch) is priced on the span that started last;
    -- enrollment_id breaks a tie so the choice never depends on row order.
    select
        *,
        row_number() over (
            partition by member_id
            order by coverage_start_date desc, enrollment_id desc
        ) as recency_rank

    from active_on_as_of_date

),

current_enrollment as (

    select
        ranked_by_recency.member_id,
        ranked_by_recency.enrollment_id,
        ranked_by_recency.plan_id,
        ranked_by_recency.coverage_start_date,
        ranked_by_recency.coverage_end_date,
        ranked_by_recency.monthly_premium,
        ranked_by_recency.aptc_amount,
        plans.metal_tier,
        plans.deductible

    from ranked_by_recency
    left join plans on ranked_by_recency.plan_id = plans.plan_id
    where ranked_by_recency.recency_rank = 1

)

select * from current_enrollment

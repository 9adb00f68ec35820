with

enrollments as (

    select * from {{ ref('int_enrollments_validated') }}
    where rejection_rule is null

),

window_month_ends as (

    -- The window as var('lookback_months') month-long periods ending on the as-of date, each represented by
    -- its last day: the as-of date, then the same day of each earlier month (clamped to the month's end).
    {% for months_back in range(var('lookback_months') | int) %}
        select cast({{ dbt.dateadd('month', -1 * months_back, as_of_date()) }} as date) as month_end_date
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

covered_month_ends as (

    -- Overlapping spans (a plan switch) cover a month once.
    select distinct
        enrollments.member_id,
        window_month_ends.month_end_date

    from enrollments
    inner join window_month_ends
        on
            enrollments.coverage_start_date <= window_month_ends.month_end_date
            and (
                enrollments.coverage_end_date is null
                or enrollments.coverage_end_date >= window_month_ends.month_end_date
            )

),

aggregated as (

    select
        member_id,
        count(*) as covered_months

    from covered_month_ends
    group by member_id

)

select * from aggregated

{#- The window as var('lookback_months') month-long periods ending on the as-of date, each represented by its
    last day: the as-of date, then the same day of each earlier month (clamped to the month's end). -#}
{%- set months_back = range(var('lookback_months') | int) -%}

with

enrollments as (

    select * from {{ ref('int_enrollments_validated') }}
    where rejection_rule is null

),

span_month_ends as (

    -- One flag per period: does this span cover the period's last day? One pass over the spans, with no
    -- span x period rows.
    select
        member_id,
    {% for back in months_back %}
        case
            when
                coverage_start_date <= cast({{ dbt.dateadd('month', -1 * back, as_of_date()) }} as date)
                and (
                    coverage_end_date is null
                    or coverage_end_date >= cast({{ dbt.dateadd('month', -1 * back, as_of_date()) }} as date)
                )
                then 1
            else 0
        end as covers_month_end_{{ back }}{{ ',' if not loop.last }}
    {% endfor %}

    from enrollments

),

covered_month_ends as (

    -- Overlapping spans (a plan switch) cover a period once: per member, whether any span covers it.
    select
        member_id,
        {% for back in months_back %}
            max(covers_month_end_{{ back }}){{ ' +' if not loop.last }}
        {% endfor %} as covered_months

    from span_month_ends
    group by member_id

),

aggregated as (

    -- Members covered on none of the periods' last days have no row.
    select
        member_id,
        cast(covered_months as {{ dbt.type_bigint() }}) as covered_months

    from covered_month_ends
    where covered_months > 0

)

select * from aggregated

{#- The calendar MetricFlow joins time-based metrics to (models/marts/semantic/_semantic__models.yml): every day
    from 2015-01-01 up to, not including, 2036-01-01, around any as-of date a plan segments. -#}
with

days as (

    {{ dbt.date_spine(
        datepart="day",
        start_date="cast('2015-01-01' as date)",
        end_date="cast('2036-01-01' as date)",
    ) }}

)

select cast(date_day as date) as date_day

from days

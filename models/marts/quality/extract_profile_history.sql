{#- Each build's extracts in figures (incremental by as_of_date): rows per extract with the latest event date of
    each event extract, and rows per month of event dates; extract_checks compares them with the previous run. -#}
{{ config(**incremental_by_as_of_date()) }}

{%- set event_dates = event_extract_dates() %}

with

{% for extract in plan_extract_names() %}
    {{ extract }} as (

        select * from {{ ref('stg_plan_extracts__' ~ extract) }}

    ),

{% endfor -%}

extract_rows as (

    {% for extract in plan_extract_names() %}
        select
            '{{ extract }}' as extract_name,
            'extract' as scope,
            cast(null as date) as event_month,
            count(*) as extract_rows,
            {% if extract in event_dates -%}
                cast(max({{ event_dates[extract] }}) as date)
            {%- else -%}
                cast(null as date)
            {%- endif %} as latest_event_date
        from {{ extract }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

month_rows as (

    {% for extract, date_column in event_dates.items() %}
        select
            '{{ extract }}' as extract_name,
            'month' as scope,
            cast({{ dbt.date_trunc('month', date_column) }} as date) as event_month,
            count(*) as extract_rows,
            cast(null as date) as latest_event_date
        from {{ extract }}
        where {{ date_column }} is not null
        group by cast({{ dbt.date_trunc('month', date_column) }} as date)
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

profiles as (

    select * from extract_rows
    union all
    select * from month_rows

)

select
    {{ as_of_date() }} as as_of_date,
    extract_name,
    scope,
    event_month,
    extract_rows,
    latest_event_date
from profiles

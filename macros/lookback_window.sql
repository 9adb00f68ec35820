{#- The segmentation's reference dates. Every model that needs the as-of date or the activity window calls
    these, so the window's edges are defined in exactly one place. -#}

{% macro as_of_date() -%}
    {#- var as_of_date passed check_vars; it is still written as an escaped literal, never as SQL. -#}
    cast({{ dbt.string_literal(var("as_of_date") | string) }} as date)
{%- endmacro %}

{% macro lookback_start_date() -%}
    {#- Exclusive lower edge: an event on this date is outside the window. -#}
    cast({{ dbt.dateadd('month', -1 * (var('lookback_months') | int), as_of_date()) }} as date)
{%- endmacro %}

{% macro is_in_lookback_window(event_date) -%}
    ({{ event_date }} > {{ lookback_start_date() }} and {{ event_date }} <= {{ as_of_date() }})
{%- endmacro %}

{% macro age_in_completed_years(birth_date, on_date) -%}
    {#- Whole years lived: one less when the birthday has not yet come round in on_date's year
        (a 29 February birthday counts as reached on 1 March in common years). -#}
    (
        extract(year from {{ on_date }}) - extract(year from {{ birth_date }})
        - case
            when extract(month from {{ on_date }}) * 100 + extract(day from {{ on_date }})
                < extract(month from {{ birth_date }}) * 100 + extract(day from {{ birth_date }})
                then 1
            else 0
        end
    )
{%- endmacro %}

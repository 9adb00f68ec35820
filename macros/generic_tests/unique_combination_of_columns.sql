{#- Grain test: no two rows share the same values of the grain columns. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grain_counts as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as rows_with_this_grain

    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

)

select * from grain_counts
where rows_with_this_grain > 1

{% endtest %}

{#- Fails on every row whose column lies outside [min_value, max_value] (either bound optional). Nulls are left
    to not_null tests. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}

select * from {{ model }}
where
    {% if min_value is not none %}{{ column_name }} < {{ min_value }}{% else %}false{% endif %}
    or {% if max_value is not none %}{{ column_name }} > {{ max_value }}{% else %}false{% endif %}

{% endtest %}

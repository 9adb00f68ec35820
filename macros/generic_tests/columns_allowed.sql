{#- PHI minimization: a consumer-facing model carries only the columns on its allow-list. A column added
    without updating the list fails, one result per column, until someone decides it may be exposed. -#}
{% test columns_allowed(model, allowed) %}

{%- set allowed_names = allowed | map('lower') | list -%}
{%- set not_allowed = [] -%}
{%- for column in adapter.get_columns_in_relation(model) if column.name | lower not in allowed_names -%}
    {%- do not_allowed.append(column.name) -%}
{%- endfor -%}

with

columns_not_allowed as (

    {% for name in not_allowed -%}
    select {{ dbt.string_literal(name) }} as column_name
    union all
    {% endfor -%}
    select cast(null as {{ dbt.type_string() }}) as column_name
    where 1 = 0

)

select * from columns_not_allowed

{% endtest %}

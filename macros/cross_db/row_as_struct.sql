{#- Every column of a relation's row as one struct value (e.g. an extract row exactly as it was read). -#}
{% macro row_as_struct(relation_alias) -%}
    {{ return(adapter.dispatch('row_as_struct')(relation_alias)) }}
{%- endmacro %}

{% macro default__row_as_struct(relation_alias) -%}
    struct({{ relation_alias }}.*)
{%- endmacro %}

{#- DuckDB reads a relation's name in the select list as its row. -#}
{% macro duckdb__row_as_struct(relation_alias) -%}
    {{ relation_alias }}
{%- endmacro %}

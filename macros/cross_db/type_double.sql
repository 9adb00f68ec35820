{#- A 64-bit float on every engine. dbt.type_float() renders FLOAT, which DuckDB stores in 32 bits. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

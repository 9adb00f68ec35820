{#- dbt.safe_cast on DuckDB and Spark: a value that does not parse becomes null instead of failing the query (try_cast).
    dbt-duckdb ships none, so dbt's default (a plain cast) would stop the build on the first bad value; the
    dispatch block in dbt_project.yml puts this project first in dbt's search order. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- dbt-spark's safe_cast is a plain cast, which Spark 4 (ANSI mode) fails on a value that does not parse. -#}
{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

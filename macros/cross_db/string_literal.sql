{#- dbt.string_literal that escapes: dbt's default pastes the value between quotes as it is, so a var or value
    with an apostrophe (a path like /data/O'Brien/) would end the literal and the rest would run as SQL. Every
    var that reaches SQL as text goes through this (the dispatch block in dbt_project.yml puts this project
    first in dbt's search order). -#}

{% macro duckdb__string_literal(value) -%}
    {#- Standard SQL: an apostrophe is doubled; a backslash is an ordinary character. -#}
    {{ return("'" ~ (value | string).replace("'", "''") ~ "'") }}
{%- endmacro %}

{% macro spark__string_literal(value) -%}
    {#- Spark SQL reads backslash escapes in literals (macros/spark/load_csv_rows.sql). -#}
    {{ return(spark_string_literal(value)) }}
{%- endmacro %}

{% macro spark_quoted_identifier(value) -%}
    {#- A Spark backtick-quoted identifier (e.g. a path in parquet.`<path>`): backticks doubled. -#}
    {{ return("`" ~ (value | string).replace("`", "``") ~ "`") }}
{%- endmacro %}

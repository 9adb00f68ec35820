{#- The incremental config of the history and monitoring marts: building an as-of date replaces that date's rows
    and leaves every other date's alone. The models call config(**incremental_by_as_of_date()). -#}
{% macro incremental_by_as_of_date() -%}
    {{ return(adapter.dispatch('incremental_by_as_of_date')()) }}
{%- endmacro %}

{% macro default__incremental_by_as_of_date() -%}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': 'as_of_date'}) }}
{%- endmacro %}

{#- dbt-spark has no delete+insert: the tables are partitioned by as_of_date, and insert_overwrite replaces the
    partitions the build writes (dynamic partition overwrite). -#}
{% macro spark__incremental_by_as_of_date() -%}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': ['as_of_date']}) }}
{%- endmacro %}

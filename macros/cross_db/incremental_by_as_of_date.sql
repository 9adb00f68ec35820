{#- The incremental config of the history and monitoring marts: building an as-of date replaces that date's rows
    and leaves every other date's alone. The models call config(**incremental_by_as_of_date()); outreach_lift,
    whose rows are keyed by the date they were followed up on, names that column. -#}
{% macro incremental_by_as_of_date(date_column='as_of_date') -%}
    {{ return(adapter.dispatch('incremental_by_as_of_date')(date_column)) }}
{%- endmacro %}

{% macro default__incremental_by_as_of_date(date_column) -%}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': date_column}) }}
{%- endmacro %}

{#- dbt-spark has no delete+insert: the tables are partitioned by the date, and insert_overwrite replaces the
    partitions the build writes (dynamic partition overwrite). -#}
{% macro spark__incremental_by_as_of_date(date_column) -%}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': [date_column]}) }}
{%- endmacro %}

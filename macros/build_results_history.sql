{#- Results history, run by on-run-end (dbt_project.yml): every node's outcome in every dbt command that builds
    or tests (models, seeds, tests, unit tests) is appended to table build_results_history in the target schema,
    with the build's as-of date and the origin of its extracts, so that "which tests warned in March" is a query.
    dbt's own run_results.json is overwritten by the next command; this table is not. It is declared (columns
    and meaning) as source build_history in models/marts/quality/_build_history__sources.yml. -#}

{% macro record_build_results(results) %}
    {% if execute and results %}
        {% set history = api.Relation.create(
            database=target.get('database'), schema=target.schema, identifier='build_results_history'
        ) %}
        {% do run_query(adapter.dispatch('create_build_results_history')(history)) %}
        {% set origin = extracts_origin() %}
        {% set rows = [] %}
        {% for result in results %}
            {% set failures = result.failures if result.failures is not none else 'null' %}
            {% do rows.append("(" ~ [
                sql_text(invocation_id),
                "cast(" ~ sql_text(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) ~ " as timestamp)",
                "cast(" ~ sql_text(var('as_of_date')) ~ " as date)",
                sql_text(origin),
                sql_text(flags.WHICH),
                sql_text(result.node.unique_id),
                sql_text(result.node.name),
                sql_text(result.node.resource_type),
                sql_text(result.status),
                "cast(" ~ failures ~ " as bigint)",
                "cast(" ~ (result.execution_time | round(3)) ~ " as double)",
                sql_text((result.message or '')[:1000]),
            ] | join(", ") ~ ")") %}
        {% endfor %}
        {% for batch in rows | batch(200) %}
            {% do run_query("insert into " ~ history ~ " values " ~ batch | join(",\n")) %}
        {% endfor %}
    {% endif %}
{% endmacro %}

{% macro sql_text(value) %}
    {#- A string literal of any text, quotes and backslashes included, for this engine. -#}
    {{ return(adapter.dispatch('sql_text')(value | string)) }}
{% endmacro %}

{% macro default__sql_text(value) %}
    {{ return("'" ~ value | replace("'", "''") ~ "'") }}
{% endmacro %}

{% macro spark__sql_text(value) %}
    {{ return("'" ~ value | replace("\\", "\\\\") | replace("'", "\\'") ~ "'") }}
{% endmacro %}

{% macro build_results_history_columns() %}
    {{ return("invocation_id string, run_started_at timestamp, as_of_date date, extracts_origin string,"
        ~ " dbt_command string, unique_id string, node_name string, resource_type string, status string,"
        ~ " failures bigint, execution_time_seconds double, message string") }}
{% endmacro %}

{% macro default__create_build_results_history(history) %}
    {{ return("create table if not exists " ~ history ~ " (" ~ build_results_history_columns() ~ ")") }}
{% endmacro %}

{% macro spark__create_build_results_history(history) %}
    {{ return("create table if not exists " ~ history ~ " (" ~ build_results_history_columns() ~ ") using "
        ~ env_var('DBT_SPARK_FILE_FORMAT', 'parquet')) }}
{% endmacro %}

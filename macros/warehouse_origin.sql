{#- Demo and real data never share a warehouse. The demo generator writes demo_plan.json beside every set of demo
    extracts (python/src/segmentation_tools/demo_data/marker.py); extracts without it are a plan's. Each build
    records the origin of its extracts in segmentation_run_history (column extracts_origin), and before any model
    builds (on-run-start, dbt_project.yml) check_warehouse_origin stops a build whose extracts' origin differs from
    the runs already in the warehouse's history: demo as-of dates never become a real plan's "previous run". -#}

{% macro extracts_origin() %}
    {#- 'demo' when var raw_data_path holds the demo generator's marker, else 'plan'. -#}
    {{ return(adapter.dispatch('extracts_origin')(var('raw_data_path'))) }}
{% endmacro %}

{% macro default__extracts_origin(folder) %}
    {% if not execute %}
        {{ return('plan') }}
    {% endif %}
    {% set found = run_query(
        "select count(*) from glob(" ~ dbt.string_literal(folder ~ '/demo_plan.json') ~ ")"
    ).columns[0].values()[0] %}
    {{ return('demo' if found > 0 else 'plan') }}
{% endmacro %}

{% macro spark__extracts_origin(folder) %}
    {#- Spark SQL cannot test whether a file exists; listing the folder with a glob filter finds it or nothing. -#}
    {% if not execute %}
        {{ return('plan') }}
    {% endif %}
    {% do run_query(
        "create or replace temporary view demo_plan_marker using binaryFile options (path "
        ~ dbt.string_literal(folder) ~ ", pathGlobFilter 'demo_plan.json')"
    ) %}
    {% set found = run_query("select count(*) from demo_plan_marker").columns[0].values()[0] %}
    {{ return('demo' if found > 0 else 'plan') }}
{% endmacro %}

{% macro check_warehouse_origin() %}
    {#- Stops the build, naming the warehouse, its as-of dates and the way out, when segmentation_run_history holds
        runs of the other origin (or predates the origin column, so that it cannot tell). -#}
    {% if execute %}
        {% set history = adapter.get_relation(
            database=target.get('database'), schema=target.schema, identifier='segmentation_run_history'
        ) %}
        {% if history is not none %}
            {% set origin = extracts_origin() %}
            {% set warehouse = target.path if target.type == 'duckdb' else 'schema ' ~ target.schema %}
            {% set way_out = " Build these extracts into a warehouse of their own: `make dbt-build RAW_DATA_PATH="
                ~ var('raw_data_path') ~ " WAREHOUSE=<another file>` (or DBT_DUCKDB_PATH=<another file> for dbt)." %}
            {% set columns = adapter.get_columns_in_relation(history) | map(attribute='name') | map('lower') | list %}
            {% if 'extracts_origin' not in columns %}
                {{ exceptions.raise_compiler_error(
                    "Warehouse " ~ warehouse ~ " holds runs recorded before builds noted whether their extracts were"
                    ~ " demo data (segmentation_run_history has no column extracts_origin), so it cannot tell"
                    ~ " whether " ~ origin ~ " extracts belong in it." ~ way_out
                ) }}
            {% endif %}
            {% set others = run_query(
                "select extracts_origin, " ~ dbt.listagg("cast(as_of_date as " ~ dbt.type_string() ~ ")", "', '", "order by as_of_date")
                ~ " as as_of_dates from " ~ history ~ " where extracts_origin <> " ~ dbt.string_literal(origin)
                ~ " group by extracts_origin"
            ).rows %}
            {% for other in others %}
                {{ exceptions.raise_compiler_error(
                    "Warehouse " ~ warehouse ~ " holds " ~ other['extracts_origin'] ~ " runs (as-of dates "
                    ~ other['as_of_dates'] ~ "), and the extracts in " ~ var('raw_data_path') ~ " are "
                    ~ ("demo data (demo_plan.json)" if origin == 'demo' else "a plan's (no demo_plan.json)")
                    ~ ": demo and real runs never share a warehouse." ~ way_out
                ) }}
            {% endfor %}
        {% endif %}
    {% endif %}
{% endmacro %}

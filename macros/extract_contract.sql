{#- The extracts' input contract is the plan_extracts source in models/staging/plan_extracts/_plan_extracts__sources.yml: every
    column with a portable data_type. These macros read it from the graph, so staging and the preflight check
    use that one list (and the docs show it). -#}

{% macro extract_source(table_name) %}
    {#- The graph node of one plan_extracts table. -#}
    {% for node in graph.sources.values() if node.source_name == 'plan_extracts' and node.name == table_name %}
        {{ return(node) }}
    {% endfor %}
    {{ exceptions.raise_compiler_error("plan_extracts." ~ table_name ~ " is not in models/staging/plan_extracts/_plan_extracts__sources.yml") }}
{% endmacro %}

{% macro contract_sql_type(data_type) %}
    {#- The warehouse type of a contract data_type. -#}
    {% set sql_types = {
        'string': dbt.type_string(),
        'date': 'date',
        'timestamp': dbt.type_timestamp(),
        'numeric': dbt.type_numeric(),
        'integer': dbt.type_int(),
        'boolean': dbt.type_boolean(),
    } %}
    {% if data_type not in sql_types %}
        {{ exceptions.raise_compiler_error("Unknown contract data_type " ~ data_type ~ "; use one of " ~ sql_types.keys() | join(', ')) }}
    {% endif %}
    {{ return(sql_types[data_type]) }}
{% endmacro %}

{% macro typed_extract_column(table_name, column_name) %}
    {#- The extract column cast to its contract type. A value that does not parse becomes null, and the
        table's int_<table>_validated model rejects the row as <column>_unparseable. -#}
    {% if not execute %}
        {{ return(column_name) }}
    {% endif %}
    {% set extract = extract_source(table_name) %}
    {% set data_type = extract.columns[column_name].data_type %}
    {% if data_type == 'timestamp' %}
        {#- In the plan's time zone (macros/plan_time_zone.sql), by the type the column is stored as. -#}
        {% set stored_type = adapter.dispatch('extract_column_types')(extract)[column_name] | upper %}
        {{ return(plan_local_timestamp(column_name, stored_type.split('(')[0])) }}
    {% elif data_type == 'boolean' %}
        {{ return(extract_boolean(column_name)) }}
    {% endif %}
    {{ return(dbt.safe_cast(column_name, contract_sql_type(data_type))) }}
{% endmacro %}

{% macro contract_columns(table_name) %}
    {#- The contract's columns of one extract, comma-separated, for staging's import: columns an extract carries
        beyond the contract (an ssn, a full name) never enter the warehouse, not even a rejected row's
        original_values. -#}
    {% if not execute %}
        {{ return('*') }}
    {% endif %}
    {{ return(extract_source(table_name).columns.keys() | join(', ')) }}
{% endmacro %}

{% macro extract_boolean(column_name) %}
    {#- A boolean column read the same way from Parquet BOOLEAN and from CSV text, on every engine: the value as
        lower-case text, true/t/yes/y/1 or false/f/no/n/0 (surrounding spaces ignored); anything else becomes
        null. The engines' own casts of text to boolean accept different words, so the accepted set is written
        here once. -#}
    {% set text = "lower(trim(cast(" ~ column_name ~ " as " ~ dbt.type_string() ~ ")))" %}
    {{ return(
        "case when " ~ text ~ " in ('true', 't', 'yes', 'y', '1') then true"
        ~ " when " ~ text ~ " in ('false', 'f', 'no', 'n', '0') then false end"
    ) }}
{% endmacro %}

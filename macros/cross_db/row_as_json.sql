{#- A struct value (e.g. an extract row as read, row_as_struct) as one JSON text, written alike on every engine:
    null fields kept, timestamps as "yyyy-mm-dd hh:mm:ss". -#}
{% macro row_as_json(struct_value) -%}
    {{ return(adapter.dispatch('row_as_json')(struct_value)) }}
{%- endmacro %}

{% macro default__row_as_json(struct_value) -%}
    cast(to_json({{ struct_value }}) as {{ dbt.type_string() }})
{%- endmacro %}

{#- Spark drops null fields and writes ISO timestamps unless told otherwise (Parquet timestamps without a time
    zone are read as timestamp_ntz, which has its own format). Fractions of a second are not written (the
    extracts' timestamps are whole seconds). -#}
{% macro spark__row_as_json(struct_value) -%}
    to_json(
        {{ struct_value }},
        map(
            'ignoreNullFields', 'false',
            'timestampFormat', 'yyyy-MM-dd HH:mm:ss',
            'timestampNTZFormat', 'yyyy-MM-dd HH:mm:ss'
        )
    )
{%- endmacro %}

{#- Seeds on Spark: dbt-spark's load_csv_rows passes the values as bindings that its session connection pastes
    into the SQL unescaped, so a seed value with an apostrophe ("member's") breaks the insert. Here each value is
    a string literal escaped for Spark (backslash escapes), cast to the seed's column type. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(get_batch_size()) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set column_type = column_override.get(
                        agate_table.column_names[loop.index0], adapter.convert_type(agate_table, loop.index0)
                    ) -%}
                    cast({{ spark_string_literal(value) }} as {{ column_type }})
                    {%- if not loop.last %}, {% endif %}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro spark_string_literal(value) %}
    {#- A value as a Spark SQL string literal (null for none): backslashes and apostrophes escaped. -#}
    {% if value is none %}
        {{ return('null') }}
    {% endif %}
    {{ return("'" ~ (value | string).replace('\\', '\\\\').replace("'", "\\'") ~ "'") }}
{% endmacro %}

{#- dbt.listagg on Spark in the order asked for: dbt-spark's ignores order_by_clause (collect_list keeps no
    order), so two builds could list the same values differently. Each value is sorted with its sort key. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set sort_key = order_by_clause | trim -%}
    {%- if not sort_key.lower().startswith('order by ') or ',' in sort_key or sort_key.lower().endswith(' desc')
        or limit_num -%}
        {{ exceptions.raise_compiler_error(
            "spark__listagg supports one ascending 'order by <expression>' and no limit; got "
            ~ order_by_clause ~ (", limit " ~ limit_num if limit_num else "")
        ) }}
    {%- endif -%}
    array_join(
        transform(
            array_sort(collect_list(struct({{ sort_key[9:] }} as sort_key, {{ measure }} as measure))),
            entry -> entry.measure
        ),
        {{ delimiter_text }}
    )
{%- endmacro %}

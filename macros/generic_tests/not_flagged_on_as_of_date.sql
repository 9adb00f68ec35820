{#- Warns (severity warn unless the yml says otherwise) with one row per row of this build's as-of date whose
    flag column is true, and logs each row's finding: "segmentation refresh <as_of_date>: " followed by the
    finding template, in which each {<SQL expression>} stands for that expression's value on the row. dbt
    prints only how many rows a test returns; the logged lines say what fired. -#}
{% test not_flagged_on_as_of_date(model, column_name, finding) %}
    {{ config(severity='warn') }}

    {%- set pieces = ("segmentation refresh {as_of_date}: " ~ finding).split('{') -%}
    {%- set parts = [dbt.string_literal(pieces[0])] -%}
    {%- for piece in pieces[1:] -%}
        {%- set expression, text = piece.split('}', 1) -%}
        {%- do parts.extend(["cast(" ~ expression ~ " as " ~ dbt.type_string() ~ ")", dbt.string_literal(text)]) -%}
    {%- endfor -%}

    {%- set findings -%}
select
    *,
    {{ dbt.concat(parts) }} as finding
from {{ model }}
where as_of_date = {{ as_of_date() }} and {{ column_name }}
    {%- endset -%}

    {{ logged_findings(model, findings) }}
{% endtest %}

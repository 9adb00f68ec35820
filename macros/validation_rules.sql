{#- Building blocks of the rejection_rule CASE of the int_<table>_validated models. Each renders WHEN branches
    whose rule is named <extract column>_<problem>; a model lists them in the order it checks them, so a row's
    rejection_rule is the first rule it breaks. The raw value comes from extract_row, which keeps a value that
    did not parse. docs/QUALITY_AND_PHI.md lists every rule. The conditions are deliberately plain comparisons: they run
    on every row of extracts with millions of rows. -#}

{% macro reject_blank(column) -%}
    {#- A required text column that is null or empty. -#}
    when {{ column }} is null or {{ column }} = '' then '{{ column }}_missing'
{%- endmacro %}

{% macro reject_missing_or_unparseable(column, extract_column) -%}
    {#- A required typed column: null in the extract, or present but not readable as its contract type. -#}
    when {{ column }} is null and extract_row.{{ extract_column }} is null then '{{ extract_column }}_missing'
    when {{ column }} is null then '{{ extract_column }}_unparseable'
{%- endmacro %}

{% macro reject_unparseable(column, extract_column) -%}
    {#- An optional typed column: null is allowed, a value that is not readable as its contract type is not. -#}
    when {{ column }} is null and extract_row.{{ extract_column }} is not null then '{{ extract_column }}_unparseable'
{%- endmacro %}

{% macro reject_unaccepted_value(column, accepted_values) -%}
    {#- A code column whose value is not one of the accepted codes (nulls are left to reject_blank). -#}
    when {{ column }} not in (
        {%- for value in accepted_values -%}
            {{ dbt.string_literal(value) }}{{ ', ' if not loop.last }}
        {%- endfor -%}
    ) then '{{ column }}_unknown_value'
{%- endmacro %}

{% macro reject_negative(column) -%}
    when {{ column }} < 0 then '{{ column }}_negative'
{%- endmacro %}

{% macro reject_implausible(column, max_var, absolute=false) -%}
    {#- A number beyond the plausibility ceiling var max_var (dbt_project.yml; absolute: its size, either sign).
        One absurd value would otherwise set a feature's scale for every member. The var is a number checked
        by check_vars before any model runs. -#}
    when {{ 'abs(' ~ column ~ ')' if absolute else column }} > {{ var(max_var) }} then '{{ column }}_implausible'
{%- endmacro %}

{% macro reject_date_out_of_range(column, extract_column) -%}
    {#- A date no extract should hold: before 1900, or more than a year after the as-of date. Dates up to a
        year after it are valid rows that simply fall outside the activity window. -#}
    when cast({{ column }} as date) < cast('1900-01-01' as date)
        or cast({{ column }} as date) > {{ dbt.dateadd('year', 1, as_of_date()) }}
        then '{{ extract_column }}_out_of_range'
{%- endmacro %}

{% macro reject_unknown_member() -%}
    {#- An event row whose member_id no row of the members extract carries. The ids come from
        int_member_ids_not_in_members (a handful at most), so the check costs nothing per row. -#}
    when member_id in (select member_id from {{ ref('int_member_ids_not_in_members') }}) then 'member_id_unknown'
{%- endmacro %}

{% macro extract_natural_key(extract_columns) -%}
    {#- The row's identifying extract values as text, joined with '|' when there are several. -#}
    {%- if extract_columns | length == 1 -%}
        cast(extract_row.{{ extract_columns[0] }} as {{ dbt.type_string() }})
    {%- else -%}
        {%- set parts = [] -%}
        {%- for column in extract_columns -%}
            {%- do parts.append("coalesce(cast(extract_row." ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
            {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- endfor -%}
        {{ dbt.concat(parts) }}
    {%- endif -%}
{%- endmacro %}

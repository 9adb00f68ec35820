{#- A model's column and row assertions in one test query. Each assertion keeps the name and meaning of the dbt /
    dbt_utils test it replaces; the query returns one row per assertion that fails, with its name and how many rows
    (or, for uniqueness, how many duplicated values) break it, so running the compiled test shows what failed.
    One node instead of one per assertion: dbt spends some 40 ms of its own work on every test node, more than
    most of these checks take (docs/BENCHMARKS.md). The row assertions are counted in one scan of the model.

    not_null: [column, ...]                       the column is never null
    unique: [column, ...]                         no non-null value of the column appears twice
    unique_combination_of_columns: [column, ...]  the grain: no two rows share these columns' values
    accepted_values: {column: [value, ...]}       the column is null or one of the values (compared as text)
    accepted_range: {column: {min_value: x, max_value: y}}
                                                  the column is null or within the bounds (inclusive; either optional)
    expression_is_true: [expression or {expression: ..., description: why}, ...]
                                                  the boolean SQL expression is true on every row (null fails); a
                                                  description says why, and is part of the assertion's name
    A `where` config filters the model for every assertion of the test, as it does for any dbt test. -#}
{% test assertions(
    model,
    not_null=[],
    unique=[],
    unique_combination_of_columns=[],
    accepted_values={},
    accepted_range={},
    expression_is_true=[]
) %}

{#- (name, SQL condition true on a failing row) of every row assertion, in the order the arguments list them. -#}
{%- set row_failures = [] -%}
{%- for column in not_null -%}
    {%- do row_failures.append(('not_null(' ~ column ~ ')', column ~ ' is null')) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set literals = [] -%}
    {%- for value in values -%}{%- do literals.append(dbt.string_literal(value)) -%}{%- endfor -%}
    {%- do row_failures.append((
        'accepted_values(' ~ column ~ ')',
        'cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ') not in (' ~ literals | join(', ') ~ ')'
    )) -%}
{%- endfor -%}
{%- for column, bounds in accepted_range.items() -%}
    {%- set conditions, arguments = [], [column] -%}
    {%- if bounds.get('min_value') is not none -%}
        {%- do conditions.append(column ~ ' < ' ~ bounds.min_value) -%}
        {%- do arguments.append('min_value=' ~ bounds.min_value) -%}
    {%- endif -%}
    {%- if bounds.get('max_value') is not none -%}
        {%- do conditions.append(column ~ ' > ' ~ bounds.max_value) -%}
        {%- do arguments.append('max_value=' ~ bounds.max_value) -%}
    {%- endif -%}
    {%- do row_failures.append(('accepted_range(' ~ arguments | join(', ') ~ ')', conditions | join(' or '))) -%}
{%- endfor -%}
{%- for check in expression_is_true -%}
    {%- set expression = check.expression if check is mapping else check -%}
    {%- set name = 'expression_is_true(' ~ expression | trim ~ ')' -%}
    {%- if check is mapping and check.get('description') -%}{%- set name = name ~ ': ' ~ check.description | trim -%}{%- endif -%}
    {%- do row_failures.append((name, 'not coalesce(' ~ expression ~ ', false)')) -%}
{%- endfor -%}

{#- (name, grain columns, rows with a null in them left out) of every uniqueness assertion. -#}
{%- set duplicate_checks = [] -%}
{%- for column in unique -%}
    {%- do duplicate_checks.append(('unique(' ~ column ~ ')', [column], true)) -%}
{%- endfor -%}
{%- if unique_combination_of_columns -%}
    {%- do duplicate_checks.append((
        'unique_combination_of_columns(' ~ unique_combination_of_columns | join(', ') ~ ')',
        unique_combination_of_columns,
        false
    )) -%}
{%- endif -%}

with

{% if row_failures -%}
row_failure_counts as (

    select
        {% for name, condition in row_failures -%}
        count(case when {{ condition }} then 1 end) as failing_rows_{{ loop.index }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ model }}

),

{% endif -%}
{% for name, columns, non_null_only in duplicate_checks -%}
duplicated_values_{{ loop.index }} as (

    select count(*) as failing_rows
    from (
        select {{ columns | join(', ') }}
        from {{ model }}
        {% if non_null_only -%} where {{ columns | join(' is not null and ') }} is not null {%- endif %}
        group by {{ columns | join(', ') }}
        having count(*) > 1
    ) as duplicated

),

{% endfor -%}
assertion_results as (

    {% for name, condition in row_failures -%}
    select {{ dbt.string_literal(name) }} as assertion, failing_rows_{{ loop.index }} as failing_rows
    from row_failure_counts
    union all
    {% endfor -%}
    {% for name, columns, non_null_only in duplicate_checks -%}
    select {{ dbt.string_literal(name) }} as assertion, failing_rows
    from duplicated_values_{{ loop.index }}
    union all
    {% endfor -%}
    select cast(null as {{ dbt.type_string() }}) as assertion, cast(0 as bigint) as failing_rows
    where 1 = 0

)

select * from assertion_results
where failing_rows > 0

{% endtest %}

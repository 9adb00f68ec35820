{#- Nothing lost: every row of the raw extract is either used (extract_rows_used) or listed in this model
    (rejected_rows) under source_table. -#}
{% test extract_rows_reconcile(model, extract, source_table) %}

with

extract_rows as (

    select count(*) as row_count from {{ extract }}

),

used_rows as (

    select ({{ extract_rows_used(source_table) }}) as row_count

),

rejected_rows as (

    select coalesce(sum(extract_rows), 0) as row_count from {{ model }}
    where source_table = '{{ source_table }}'

)

select
    extract_rows.row_count as extract_row_count,
    used_rows.row_count as used_row_count,
    rejected_rows.row_count as rejected_row_count

from extract_rows
cross join used_rows
cross join rejected_rows
where extract_rows.row_count != used_rows.row_count + rejected_rows.row_count

{% endtest %}

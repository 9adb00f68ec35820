with

classified_rows as (

    select * from {{ ref('int_extract_rows_classified') }}

),

rejected as (

    select
        source_table,
        natural_key,
        member_id,
        rejection_rule,
        original_values,
        {{ as_of_date() }} as as_of_date,
        extract_rows

    from classified_rows
    where rejection_rule is not null

)

select * from rejected

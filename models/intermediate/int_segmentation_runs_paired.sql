{#- Every run of the history with the run before it: the latest earlier as-of date of the same question. -#}
with

segmentation_run_history as (

    select * from {{ ref('segmentation_run_history') }}

),

run_pairs as (

    select
        as_of_date,
        segmentation_question,
        lag(as_of_date) over (partition by segmentation_question order by as_of_date) as previous_as_of_date

    from segmentation_run_history

)

select * from run_pairs

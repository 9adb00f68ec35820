{#- The runs whose comparison this build writes, each with the run before it (the latest earlier as-of date of
    the same question): this build's as-of date and, when a later date was built before this one was (re-)built,
    that later date, whose comparison depends on this build's rows. -#}
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

),

compared_by_this_build as (

    select * from run_pairs
    where {{ as_of_date() }} in (as_of_date, previous_as_of_date)

)

select * from compared_by_this_build

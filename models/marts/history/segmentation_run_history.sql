{#- This build's run record, appended to the earlier as-of dates' (incremental by as_of_date). -#}
{{ config(**incremental_by_as_of_date()) }}

with

segmentation_run as (

    select * from {{ ref('segmentation_run') }}

)

select * from segmentation_run

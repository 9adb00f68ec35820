{#- This build's run record, appended to the earlier as-of dates' (incremental by as_of_date), with the origin of
    the extracts it was built on (macros/warehouse_origin.sql). -#}
{{ config(**incremental_by_as_of_date()) }}

with

segmentation_run as (

    select * from {{ ref('segmentation_run') }}

)

select
    segmentation_run.*,
    {{ dbt.string_literal(extracts_origin()) }} as extracts_origin
from segmentation_run

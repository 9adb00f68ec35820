{#- The member ids of every as-of date's members extract, kept so that the next build can count the ids that are
    new and the ids that vanished (extract_checks). -#}
{{ config(materialized='incremental', **incremental_by_as_of_date()) }}

with

members as (

    select * from {{ ref('stg_plan_extracts__members') }}

)

select distinct
    {{ as_of_date() }} as as_of_date,
    member_id
from members
where member_id is not null

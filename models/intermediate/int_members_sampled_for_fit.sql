{#- A seeded sample drawn by hashing member ids, not by row position: the same members are drawn whatever
    order the warehouse returns rows in, and on every engine (md5 is the same function on DuckDB and Spark). -#}
{%- set sample_size = var('kmeans_fit_sample_size') -%}

with

member_features as (

    select * from {{ ref('member_features') }}

),

fit_sample as (

    select * from member_features
    {% if sample_size is not none -%}
        order by {{ dbt.hash(dbt.concat(['member_id', "':'", dbt.string_literal(var('kmeans_random_state'))])) }}
        limit {{ sample_size | int }}
    {%- endif %}

)

select * from fit_sample

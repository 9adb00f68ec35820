with

source as (

    select * from {{ source('plan_extracts', 'plans') }}

),

renamed as (

    select
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(plan_year as {{ dbt.type_int() }}) as plan_year,
        cast(metal_tier as {{ dbt.type_string() }}) as metal_tier,
        cast(deductible as {{ dbt.type_numeric() }}) as deductible

    from source

)

select * from renamed

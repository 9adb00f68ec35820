with

source as (

    select * from {{ source('plan_extracts', 'claims') }}

),

renamed as (

    select
        cast(claim_id as {{ dbt.type_string() }}) as claim_id,
        cast(member_id as {{ dbt.type_string() }}) as member_id,
        cast(service_date as date) as service_date,
        cast(claim_type as {{ dbt.type_string() }}) as claim_type,
        cast(paid_amount as {{ dbt.type_numeric() }}) as paid_amount

    from source

)

select * from renamed

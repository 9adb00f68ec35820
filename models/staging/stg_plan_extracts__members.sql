with

source as (

    select * from {{ source('plan_extracts', 'members') }}

),

renamed as (

    select
        cast(member_id as {{ dbt.type_string() }}) as member_id,
        cast(date_of_birth as date) as birth_date,
        cast(sex as {{ dbt.type_string() }}) as sex,
        cast(state as {{ dbt.type_string() }}) as state,
        cast(county_fips as {{ dbt.type_string() }}) as county_fips,
        cast(preferred_language as {{ dbt.type_string() }}) as preferred_language

    from source

)

select * from renamed

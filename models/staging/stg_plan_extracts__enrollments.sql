with

source as (

    select * from {{ source('plan_extracts', 'enrollments') }}

),

renamed as (

    select
        cast(enrollment_id as {{ dbt.type_string() }}) as enrollment_id,
        cast(member_id as {{ dbt.type_string() }}) as member_id,
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(coverage_start as date) as coverage_start_date,
        cast(coverage_end as date) as coverage_end_date,
        cast(monthly_premium as {{ dbt.type_numeric() }}) as monthly_premium,
        cast(aptc_amount as {{ dbt.type_numeric() }}) as aptc_amount

    from source

)

select * from renamed

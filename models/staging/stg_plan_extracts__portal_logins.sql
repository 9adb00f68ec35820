with

source as (

    select * from {{ source('plan_extracts', 'portal_logins') }}

),

renamed as (

    select
        cast(member_id as {{ dbt.type_string() }}) as member_id,
        cast(login_at as {{ dbt.type_timestamp() }}) as login_at,
        cast(channel as {{ dbt.type_string() }}) as channel

    from source

)

select * from renamed

with

source as (

    select * from {{ source('plan_extracts', 'call_center_contacts') }}

),

renamed as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(member_id as {{ dbt.type_string() }}) as member_id,
        cast(contact_at as {{ dbt.type_timestamp() }}) as contact_at,
        cast(reason as {{ dbt.type_string() }}) as reason

    from source

)

select * from renamed

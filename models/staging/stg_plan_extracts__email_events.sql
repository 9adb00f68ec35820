with

source as (

    select * from {{ source('plan_extracts', 'email_events') }}

),

renamed as (

    select
        cast(member_id as {{ dbt.type_string() }}) as member_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(event_at as {{ dbt.type_timestamp() }}) as event_at

    from source

)

select * from renamed

with

source as (

    -- The contract's columns only: anything else the extract carries stays out of the warehouse.
    select {{ contract_columns('email_events') }} from {{ source('plan_extracts', 'email_events') }}

),

renamed as (

    -- Each column cast to its contract type (a value that does not parse becomes null); extract_row keeps the
    -- row as read, so the validation rules and rejected_rows still see the original values.
    select
        {{ typed_extract_column('email_events', 'member_id') }} as member_id,
        {{ typed_extract_column('email_events', 'campaign_id') }} as campaign_id,
        {{ typed_extract_column('email_events', 'event_type') }} as event_type,
        {{ typed_extract_column('email_events', 'event_at') }} as event_at,
        {{ row_as_struct('source') }} as extract_row

    from source

)

select * from renamed

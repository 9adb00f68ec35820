with

source as (

    -- The contract's columns only: anything else the extract carries stays out of the warehouse.
    select {{ contract_columns('contact_preferences') }} from {{ source('plan_extracts', 'contact_preferences') }}

),

renamed as (

    -- Each column cast to its contract type (a value that does not parse becomes null); extract_row keeps the
    -- row as read, so the validation rules and rejected_rows still see the original values.
    select
        {{ typed_extract_column('contact_preferences', 'member_id') }} as member_id,
        {{ typed_extract_column('contact_preferences', 'channel') }} as channel,
        {{ typed_extract_column('contact_preferences', 'opted_out') }} as opted_out,
        {{ typed_extract_column('contact_preferences', 'updated_at') }} as updated_at,
        {{ row_as_struct('source') }} as extract_row

    from source

)

select * from renamed

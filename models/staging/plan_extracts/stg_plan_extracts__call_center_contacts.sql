with

source as (

    -- The contract's columns only: anything else the extract carries stays out of the warehouse.
    select {{ contract_columns('call_center_contacts') }} from {{ source('plan_extracts', 'call_center_contacts') }}

),

renamed as (

    -- Each column cast to its contract type (a value that does not parse becomes null); extract_row keeps the
    -- row as read, so the validation rules and rejected_rows still see the original values.
    select
        {{ typed_extract_column('call_center_contacts', 'contact_id') }} as contact_id,
        {{ typed_extract_column('call_center_contacts', 'member_id') }} as member_id,
        {{ typed_extract_column('call_center_contacts', 'contact_at') }} as contact_at,
        {{ typed_extract_column('call_center_contacts', 'reason') }} as reason,
        {{ row_as_struct('source') }} as extract_row

    from source

)

select * from renamed

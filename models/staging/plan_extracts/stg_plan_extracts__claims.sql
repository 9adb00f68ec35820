with

source as (

    -- The contract's columns only: anything else the extract carries stays out of the warehouse.
    select {{ contract_columns('claims') }} from {{ source('plan_extracts', 'claims') }}

),

renamed as (

    -- Each column cast to its contract type (a value that does not parse becomes null); extract_row keeps the
    -- row as read, so the validation rules and rejected_rows still see the original values.
    select
        {{ typed_extract_column('claims', 'claim_id') }} as claim_id,
        {{ typed_extract_column('claims', 'member_id') }} as member_id,
        {{ typed_extract_column('claims', 'service_date') }} as service_date,
        {{ typed_extract_column('claims', 'claim_type') }} as claim_type,
        {{ typed_extract_column('claims', 'paid_amount') }} as paid_amount,
        {{ row_as_struct('source') }} as extract_row

    from source

)

select * from renamed

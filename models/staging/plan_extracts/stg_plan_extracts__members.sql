with

source as (

    -- The contract's columns only: anything else the extract carries stays out of the warehouse.
    select {{ contract_columns('members') }} from {{ source('plan_extracts', 'members') }}

),

renamed as (

    -- Each column cast to its contract type (a value that does not parse becomes null); extract_row keeps the
    -- row as read, so the validation rules and rejected_rows still see the original values.
    select
        {{ typed_extract_column('members', 'member_id') }} as member_id,
        {{ typed_extract_column('members', 'date_of_birth') }} as birth_date,
        {{ typed_extract_column('members', 'sex') }} as sex,
        {{ typed_extract_column('members', 'state') }} as state,
        {{ typed_extract_column('members', 'county_fips') }} as county_fips,
        {{ typed_extract_column('members', 'preferred_language') }} as preferred_language,
        {{ row_as_struct('source') }} as extract_row

    from source

)

select * from renamed

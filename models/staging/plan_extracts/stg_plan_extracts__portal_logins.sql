with

source as (

    -- The contract's columns only: anything else the extract carries stays out of the warehouse.
    select {{ contract_columns('portal_logins') }} from {{ source('plan_extracts', 'portal_logins') }}

),

renamed as (

    -- Each column cast to its contract type (a value that does not parse becomes null); extract_row keeps the
    -- row as read, so the validation rules and rejected_rows still see the original values.
    select
        {{ typed_extract_column('portal_logins', 'member_id') }} as member_id,
        {{ typed_extract_column('portal_logins', 'login_at') }} as login_at,
        {{ typed_extract_column('portal_logins', 'channel') }} as channel,
        {{ row_as_struct('source') }} as extract_row

    from source

)

select * from renamed

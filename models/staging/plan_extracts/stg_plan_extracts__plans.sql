with

source as (

    -- The contract's columns only: anything else the extract carries stays out of the warehouse.
    select {{ contract_columns('plans') }} from {{ source('plan_extracts', 'plans') }}

),

renamed as (

    -- Each column cast to its contract type (a value that does not parse becomes null); extract_row keeps the
    -- row as read, so the validation rules and rejected_rows still see the original values.
    select
        {{ typed_extract_column('plans', 'plan_id') }} as plan_id,
        {{ typed_extract_column('plans', 'plan_year') }} as plan_year,
        {{ typed_extract_column('plans', 'metal_tier') }} as metal_tier,
        {{ typed_extract_column('plans', 'deductible') }} as deductible,
        {{ row_as_struct('source') }} as extract_row

    from source

)

select * from renamed

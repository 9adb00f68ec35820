with

source as (

    -- The contract's columns only: anything else the extract carries stays out of the warehouse.
    select {{ contract_columns('enrollments') }} from {{ source('plan_extracts', 'enrollments') }}

),

renamed as (

    -- Each column cast to its contract type (a value that does not parse becomes null); extract_row keeps the
    -- row as read, so the validation rules and rejected_rows still see the original values.
    select
        {{ typed_extract_column('enrollments', 'enrollment_id') }} as enrollment_id,
        {{ typed_extract_column('enrollments', 'member_id') }} as member_id,
        {{ typed_extract_column('enrollments', 'plan_id') }} as plan_id,
        {{ typed_extract_column('enrollments', 'coverage_start') }} as coverage_start_date,
        {{ typed_extract_column('enrollments', 'coverage_end') }} as coverage_end_date,
        {{ typed_extract_column('enrollments', 'monthly_premium') }} as monthly_premium,
        {{ typed_extract_column('enrollments', 'aptc_amount') }} as aptc_amount,
        {{ row_as_struct('source') }} as extract_row

    from source

)

select * from renamed

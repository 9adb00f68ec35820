with

claims as (

    select * from {{ ref('stg_plan_extracts__claims') }}

),

valid_claim_lines as (

    -- The rows that pass their own rules (claims_row_rules). int_claims_validated also rejects
    -- member ids the members extract lacks; member_features enforces that by joining only valid members.
    -- DuckDB applies the window filter below at the scan, so the rules only run on rows in the window.
    select * from claims
    where (case {{ claims_row_rules() }} end) is null

),

claim_lines_in_window as (

    select * from valid_claim_lines
    where {{ is_in_lookback_window('service_date') }}

),

aggregated as (

    -- Lines of one claim share its claim_id, so a claim counts once however many lines it has; every line's
    -- paid amount counts.
    select
        member_id,
        count(distinct claim_id) as claims,
        sum(paid_amount) as paid_amount

    from claim_lines_in_window
    group by member_id

)

select * from aggregated

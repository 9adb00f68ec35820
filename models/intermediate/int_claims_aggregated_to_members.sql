with

claims as (

    select * from {{ ref('stg_plan_extracts__claims') }}

),

claim_lines_in_window as (

    select * from claims
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

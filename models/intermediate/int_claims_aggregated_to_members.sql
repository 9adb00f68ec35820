with

claims as (

    select * from {{ ref('stg_plan_extracts__claims') }}

),

valid_claim_lines as (

    -- The lines that pass their own rules (claims_row_rules; int_claims_validated also rejects member ids
    -- the members extract lacks, which member_features enforces by joining only valid members).
    select * from claims
    where (case {{ claims_row_rules() }} end) is null

),

claims_of_members as (

    -- Lines of one claim share its claim_id, so a claim counts once however many lines it has.
    select
        member_id,
        claim_id,
        {{ dbt.bool_or(is_in_lookback_window('service_date')) }} as has_line_in_window,
        max(case when service_date <= {{ as_of_date() }} then service_date end) as last_line_date,
        sum(case when {{ is_in_lookback_window('service_date') }} then paid_amount end) as paid_amount_in_window,
        count(*) as line_count

    from valid_claim_lines
    group by member_id, claim_id

),

aggregated as (

    -- Every member id with a valid line gets a row, with 0 claims when none is in the window: this one pass
    -- over the extract also tells int_member_ids_not_in_members the extract's member ids, and the
    -- reconciliation how many rows were used. Every in-window line's paid amount counts.
    select
        member_id,
        count(case when has_line_in_window then 1 end) as claims,
        -- outreach_lift's outcome: was there a claim after an earlier as-of date (member_outcome_history)?
        max(last_line_date) as last_claim_date,
        coalesce(sum(paid_amount_in_window), 0) as paid_amount,
        sum(line_count) as extract_rows

    from claims_of_members
    group by member_id

)

select * from aggregated

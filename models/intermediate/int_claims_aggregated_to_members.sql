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

lines_of_members as (

    -- Every member id with a valid line gets a row, with 0 claims when none is in the window: this one pass
    -- over the extract also tells int_member_ids_not_in_members the extract's member ids, and the
    -- reconciliation how many rows were used. Every in-window line's paid amount counts.
    select
        member_id,
        coalesce(
            sum(case when {{ is_in_lookback_window('service_date') }} then paid_amount end), 0
        ) as paid_amount,
        -- outreach_lift's outcome: was there a claim after an earlier as-of date (member_outcome_history)?
        max(case when service_date <= {{ as_of_date() }} then service_date end) as last_claim_date,
        count(*) as extract_rows

    from valid_claim_lines
    group by member_id

),

claims_in_window as (

    -- Lines of one claim share its claim_id, so a claim counts once however many lines it has. Only the
    -- window's member and claim pairs, without amounts: grouping every line by member and claim with its
    -- amounts made a table of one row per claim too wide to stay in memory at 5,000,000 members.
    select distinct
        member_id,
        claim_id

    from valid_claim_lines
    where {{ is_in_lookback_window('service_date') }}

),

claims_per_member as (

    select
        member_id,
        count(*) as claims

    from claims_in_window
    group by member_id

),

aggregated as (

    select
        lines_of_members.member_id,
        lines_of_members.paid_amount,
        lines_of_members.last_claim_date,
        lines_of_members.extract_rows,
        coalesce(claims_per_member.claims, 0) as claims

    from lines_of_members
    left join claims_per_member on lines_of_members.member_id = claims_per_member.member_id

)

select * from aggregated

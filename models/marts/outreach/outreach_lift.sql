{#- Lift of each action against the randomized holdout, by intent to treat (docs/OUTREACH_LIFT.md). A build at
    as-of date F follows up the cohort assigned on the as-of date before it. Keyed by followed_up_as_of_date: a
    build writes its own date's row set and, when a later date is already in the warehouse, that date's too
    (its cohort is this build's, perhaps rebuilt), so a build reads two cohorts whatever the history's length. -#}
{{ config(**incremental_by_as_of_date('followed_up_as_of_date')) }}
{%- set min_cell_size = var('fairness_min_cell_size') -%}

with

run_dates as (

    -- One row per as-of date built into the warehouse (this build's included).
    select as_of_date from {{ ref('segmentation_run_history') }}

),

outreach_history as (

    select * from {{ ref('member_outreach_history') }}

),

outcome_history as (

    select * from {{ ref('member_outcome_history') }}

),

follow_up_dates as (

    select {{ as_of_date() }} as followed_up_as_of_date

    union all

    select min(as_of_date) as followed_up_as_of_date
    from run_dates
    where as_of_date > {{ as_of_date() }}

),

pairs as (

    -- Each follow-up date's cohort: the as-of date built before it.
    select
        follow_up_dates.followed_up_as_of_date,
        max(run_dates.as_of_date) as cohort_as_of_date

    from follow_up_dates
    inner join run_dates on follow_up_dates.followed_up_as_of_date > run_dates.as_of_date
    group by follow_up_dates.followed_up_as_of_date

),

cohorts as (

    -- Intent to treat: every member assigned an action, sent or suppressed, against the holdout.
    select
        pairs.cohort_as_of_date,
        pairs.followed_up_as_of_date,
        outreach_history.member_id,
        outreach_history.persona,
        outreach_history.recommended_action,
        outreach_history.outcome_metric,
        outreach_history.outreach_group

    from pairs
    inner join outreach_history on pairs.cohort_as_of_date = outreach_history.as_of_date
    where outreach_history.recommended_action is not null

),

followed_up as (

    -- A member the follow-up's extracts no longer hold had no event and is not covered.
    select
        cohorts.*,
        coalesce(
            case cohorts.outcome_metric
                when 'portal_login' then outcome_history.last_portal_login_date > cohorts.cohort_as_of_date
                when 'email_click' then outcome_history.last_email_click_date > cohorts.cohort_as_of_date
                when
                    'call_center_contact'
                    then outcome_history.last_call_center_contact_date > cohorts.cohort_as_of_date
                when 'claim' then outcome_history.last_claim_date > cohorts.cohort_as_of_date
                when 'still_covered' then outcome_history.is_covered
            end,
            false
        ) as has_outcome

    from cohorts
    left join outcome_history
        on
            cohorts.followed_up_as_of_date = outcome_history.as_of_date
            and cohorts.member_id = outcome_history.member_id

),

counts as (

    select
        cohort_as_of_date,
        followed_up_as_of_date,
        persona,
        recommended_action,
        outcome_metric,
        count(case when outreach_group = 'outreach' then 1 end) as outreach_members,
        count(case when outreach_group = 'outreach' and has_outcome then 1 end) as outreach_with_outcome,
        count(case when outreach_group = 'holdout' then 1 end) as holdout_members,
        count(case when outreach_group = 'holdout' and has_outcome then 1 end) as holdout_with_outcome

    from followed_up
    group by cohort_as_of_date, followed_up_as_of_date, persona, recommended_action, outcome_metric

),

rates as (

    select
        *,
        outreach_members < {{ min_cell_size }} or holdout_members < {{ min_cell_size }} as is_suppressed,
        cast(outreach_with_outcome as {{ type_double() }}) / nullif(outreach_members, 0) as outreach_share,
        cast(holdout_with_outcome as {{ type_double() }}) / nullif(holdout_members, 0) as holdout_share

    from counts

),

wilson_bounds as (

    -- Each group's rate with its Wilson score interval (z = 1.96: 95%; double literals, the same on both engines),
    -- which stays inside 0-1 and keeps its width for rates near 0 or 1 (still_covered), where the plain normal
    -- interval collapses.
    -- A group without members (a persona all held out, or none) has no interval (macros/wilson_bound.sql).
    select
        *,
        {{ wilson_bound('outreach_share', 'outreach_members', 'low') }} as outreach_low,
        {{ wilson_bound('outreach_share', 'outreach_members', 'high') }} as outreach_high,
        {{ wilson_bound('holdout_share', 'holdout_members', 'low') }} as holdout_low,
        {{ wilson_bound('holdout_share', 'holdout_members', 'high') }} as holdout_high

    from rates

),

intervals as (

    -- The difference's 95% interval from the two Wilson intervals (Newcombe's hybrid score method).
    select
        *,
        outreach_share - holdout_share as difference,
        outreach_share - holdout_share - sqrt(
            (outreach_share - outreach_low) * (outreach_share - outreach_low)
            + (holdout_high - holdout_share) * (holdout_high - holdout_share)
        ) as difference_low,
        outreach_share - holdout_share + sqrt(
            (outreach_high - outreach_share) * (outreach_high - outreach_share)
            + (holdout_share - holdout_low) * (holdout_share - holdout_low)
        ) as difference_high

    from wilson_bounds

),

lift as (

    -- A cell with fewer than var('fairness_min_cell_size') members in either group shows no counts or rates.
    select
        cohort_as_of_date,
        followed_up_as_of_date,
        persona,
        recommended_action,
        outcome_metric,
        case when not is_suppressed then outreach_members end as outreach_members,
        case when not is_suppressed then holdout_members end as holdout_members,
        case when not is_suppressed then outreach_share end as outreach_rate,
        case when not is_suppressed then holdout_share end as holdout_rate,
        case when not is_suppressed then difference end as lift,
        case when not is_suppressed then difference_low end as lift_ci_low,
        case when not is_suppressed then difference_high end as lift_ci_high,
        case when not is_suppressed then difference / nullif(holdout_share, 0) end as relative_lift,
        case when not is_suppressed then (difference_low > 0 or difference_high < 0) end as is_significant

    from intervals

)

select * from lift

{#- Warns when an action's outreach group did significantly worse than its holdout (the lift's 95% interval lies
    wholly below 0): a campaign to stop or rethink. Each such cell is logged, naming the cohort, persona, action
    and lift (dbt prints only how many rows a test returns). -#}
{{ config(severity='warn') }}

{%- set harmful_cells -%}
select
    cohort_as_of_date,
    persona,
    recommended_action,
    lift,
    'outreach_lift: "' || recommended_action || '" for ' || persona || ' (cohort '
    || cast(cohort_as_of_date as {{ dbt.type_string() }}) || ') lowered ' || outcome_metric || ' by '
    || cast(round(-100 * lift, 1) as {{ dbt.type_string() }}) || ' points, 95% interval '
    || cast(round(100 * lift_ci_low, 1) as {{ dbt.type_string() }}) || ' to '
    || cast(round(100 * lift_ci_high, 1) as {{ dbt.type_string() }}) || ' points' as finding

from {{ ref('outreach_lift') }}
where is_significant and lift < 0
{%- endset -%}

{{ logged_findings(ref('outreach_lift'), harmful_cells) }}

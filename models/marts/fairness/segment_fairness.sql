{#- The audited attributes (int_member_outcomes_counted_by_audited_group) whose differences are by design because
    the question clusters on a feature they derive from or are bound up with (var fairness_attribute_inputs). -#}
{%- set clustered_features = segmentation_question_settings()['features'] -%}
{%- set by_design_attributes = [] -%}
{%- for attribute, inputs in var('fairness_attribute_inputs').items() -%}
    {%- if inputs | select('in', clustered_features) | list -%}
        {%- do by_design_attributes.append(attribute) -%}
    {%- endif -%}
{%- endfor -%}
{%- set min_cell_size = var('fairness_min_cell_size') -%}
{%- set z = var('fairness_confidence_z') -%}

with

member_outreach as (

    select * from {{ ref('member_outreach') }}

),

cell_counts as (

    -- Members of each audited group with each outcome (only the outcomes the group has members with).
    select * from {{ ref('int_member_outcomes_counted_by_audited_group') }}

),

population as (

    select
        max(as_of_date) as as_of_date,
        count(*) as population_members

    from member_outreach

),

outcome_totals as (

    select
        'persona' as outcome_type,
        matched_persona as outcome,
        count(*) as outcome_members
    from member_outreach
    group by matched_persona

    union all

    select
        'recommended_action' as outcome_type,
        recommended_action as outcome,
        count(*) as outcome_members
    from member_outreach
    where recommended_action is not null
    group by recommended_action

),

group_totals as (

    -- Every member has a persona outcome, so a group's persona counts add up to its members.
    select
        attribute,
        attribute_value,
        cast(sum(outcome_members) as {{ dbt.type_bigint() }}) as group_members

    from cell_counts
    where outcome_type = 'persona'
    group by attribute, attribute_value

),

cells as (

    -- Every outcome against every group: a group with none of an outcome is a cell of 0 members.
    select
        population.as_of_date,
        outcome_totals.outcome_type,
        outcome_totals.outcome,
        group_totals.attribute,
        group_totals.attribute_value,
        group_totals.group_members,
        coalesce(cell_counts.outcome_members, 0) as outcome_members,
        cast(outcome_totals.outcome_members as {{ type_double() }}) / population.population_members as overall_rate

    from outcome_totals
    cross join group_totals
    cross join population
    left join cell_counts
        on
            outcome_totals.outcome_type = cell_counts.outcome_type
            and outcome_totals.outcome = cell_counts.outcome
            and group_totals.attribute = cell_counts.attribute
            and group_totals.attribute_value = cell_counts.attribute_value

),

group_rates as (

    select
        *,
        cast(outcome_members as {{ type_double() }}) / group_members as group_rate,
        -- A count under the minimum is never shown, nor one that subtraction would reveal.
        (
            group_members < {{ min_cell_size }}
            or outcome_members < {{ min_cell_size }}
            or group_members - outcome_members < {{ min_cell_size }}
        ) as suppressed

    from cells

),

wilson_intervals as (

    -- Wilson score interval of the group's rate: valid for small groups and for rates near 0 or 1.
    select
        *,
        (group_rate + {{ z }} * {{ z }} / (2.0 * group_members)) / (1 + {{ z }} * {{ z }} / group_members)
            as interval_center,
        {{ z }} * sqrt(
            group_rate * (1 - group_rate) / group_members + {{ z }} * {{ z }} / (4.0 * group_members * group_members)
        ) / (1 + {{ z }} * {{ z }} / group_members) as interval_half_width

    from group_rates

),

rate_ratios as (

    select
        *,
        group_rate / overall_rate as rate_ratio,
        (interval_center - interval_half_width) / overall_rate as rate_ratio_lower,
        (interval_center + interval_half_width) / overall_rate as rate_ratio_upper

    from wilson_intervals

),

audited as (

    select
        as_of_date,
        {{ segmentation_question() }} as segmentation_question,
        outcome_type,
        outcome,
        attribute,
        attribute_value,
        suppressed,
        overall_rate,
        case when not suppressed then group_members end as group_members,
        case when not suppressed then outcome_members end as outcome_members,
        case when not suppressed then group_rate end as group_rate,
        case when not suppressed then rate_ratio end as rate_ratio,
        case when not suppressed then rate_ratio_lower end as rate_ratio_lower,
        case when not suppressed then rate_ratio_upper end as rate_ratio_upper,
        -- Flagged when even the interval's nearest end is outside the bounds: a difference, not noise.
        case
            when not suppressed
                then
                    rate_ratio_upper < {{ var('fairness_ratio_min') }}
                    or rate_ratio_lower > {{ var('fairness_ratio_max') }}
        end as flagged,
        {% if by_design_attributes -%}
            attribute in (
                {%- for attribute in by_design_attributes %}
                    {{ dbt.string_literal(attribute) }}{{ ',' if not loop.last }}
                {%- endfor %}
            )
        {%- else -%}
            false
        {%- endif %} as by_design

    from rate_ratios

)

select * from audited

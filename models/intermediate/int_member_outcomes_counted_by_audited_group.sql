{#- The attributes the fairness audit (segment_fairness) compares members by. -#}
{%- set audited_attributes = ['age_band', 'sex', 'preferred_language', 'state', 'metal_tier'] -%}

with

member_outreach as (

    select * from {{ ref('member_outreach') }}

),

member_features as (

    select * from {{ ref('member_features') }}

),

members as (

    select * from {{ ref('int_members_validated') }}
    where rejection_rule is null

),

current_enrollments as (

    select * from {{ ref('int_enrollments_active_on_as_of_date') }}

),

member_profiles as (

    -- Per member, every audited attribute and both outcomes: the persona its segment matched (whether or not
    -- it passed review) and the action it gets (null while in review).
    select
        member_outreach.member_id,
        {{ aca_age_band('member_features.age') }} as age_band,
        coalesce(members.sex, 'unknown') as sex,
        coalesce(members.preferred_language, 'unknown') as preferred_language,
        coalesce(members.state, 'unknown') as state,
        coalesce(current_enrollments.metal_tier, 'unknown') as metal_tier,
        member_outreach.matched_persona,
        member_outreach.recommended_action

    from member_outreach
    inner join member_features on member_outreach.member_id = member_features.member_id
    left join members on member_outreach.member_id = members.member_id
    left join current_enrollments on member_outreach.member_id = current_enrollments.member_id

),

profile_counts as (

    -- Members per combination of attributes and outcomes: a few thousand rows at most, whatever the plan's
    -- size, so everything below works on this instead of on one row per member and attribute.
    select
        age_band,
        sex,
        preferred_language,
        state,
        metal_tier,
        matched_persona,
        recommended_action,
        count(*) as profile_members

    from member_profiles
    group by age_band, sex, preferred_language, state, metal_tier, matched_persona, recommended_action

),

group_counts as (

    -- One row per combination and audited attribute.
    {% for attribute in audited_attributes %}
        select
            '{{ attribute }}' as attribute,  -- noqa: RF04
            cast({{ attribute }} as {{ dbt.type_string() }}) as attribute_value,
            matched_persona,
            recommended_action,
            profile_members
        from profile_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

outcome_counts as (

    -- The persona a member's segment matched (whether or not it passed review), and the action they get.
    select
        attribute,
        attribute_value,
        'persona' as outcome_type,
        matched_persona as outcome,
        profile_members
    from group_counts

    union all

    select
        attribute,
        attribute_value,
        'recommended_action' as outcome_type,
        recommended_action as outcome,
        profile_members
    from group_counts
    where recommended_action is not null

),

counted as (

    select
        attribute,
        attribute_value,
        outcome_type,
        outcome,
        cast(sum(profile_members) as {{ dbt.type_bigint() }}) as outcome_members

    from outcome_counts
    group by attribute, attribute_value, outcome_type, outcome

)

select * from counted

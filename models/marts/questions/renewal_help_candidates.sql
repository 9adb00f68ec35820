-- Which members need help at renewal? Members of a persona in var('renewal_help_personas'), and every member
-- whose net monthly premium rose by at least var('renewal_min_premium_increase') dollars from the previous
-- coverage span to the current one.

with

member_outreach as (

    select * from {{ ref('member_outreach') }}

),

member_features as (

    select * from {{ ref('member_features') }}

),

current_enrollments as (

    select * from {{ ref('int_enrollments_active_on_as_of_date') }}

),

enrollments as (

    select * from {{ ref('int_enrollments_validated') }}
    where rejection_rule is null

),

earlier_spans as (

    -- Every span that started before the member's current one, latest first.
    select
        current_enrollments.member_id,
        enrollments.enrollment_id,
        enrollments.monthly_premium,
        enrollments.aptc_amount,
        row_number() over (
            partition by current_enrollments.member_id
            order by enrollments.coverage_start_date desc, enrollments.enrollment_id desc
        ) as recency_rank

    from current_enrollments
    inner join enrollments
        on
            current_enrollments.member_id = enrollments.member_id
            and current_enrollments.coverage_start_date > enrollments.coverage_start_date

),

previous_spans as (

    select * from earlier_spans
    where recency_rank = 1

),

renewal_changes as (

    select
        member_outreach.member_id,
        member_outreach.as_of_date,
        member_outreach.persona,
        current_enrollments.enrollment_id as current_enrollment_id,
        previous_spans.enrollment_id as previous_enrollment_id,
        current_enrollments.monthly_premium as current_net_premium,
        previous_spans.monthly_premium as previous_net_premium,
        current_enrollments.aptc_amount as current_aptc_amount,
        previous_spans.aptc_amount as previous_aptc_amount,
        member_features.call_center,
        member_outreach.recommended_action,
        member_outreach.outreach_channel,
        member_outreach.persona in (
            {%- for persona in var('renewal_help_personas') %}
                {{ dbt.string_literal(persona) }}{{ ',' if not loop.last }}
            {%- endfor %}
        ) as is_renewal_help_persona,
        current_enrollments.monthly_premium - previous_spans.monthly_premium as net_premium_change,
        current_enrollments.aptc_amount - previous_spans.aptc_amount as aptc_change

    from member_outreach
    inner join member_features
        on
            member_outreach.member_id = member_features.member_id
            and member_outreach.as_of_date = member_features.as_of_date
    inner join current_enrollments on member_outreach.member_id = current_enrollments.member_id
    left join previous_spans on member_outreach.member_id = previous_spans.member_id

),

needing_help as (

    select * from renewal_changes
    where
        is_renewal_help_persona
        or net_premium_change >= {{ var('renewal_min_premium_increase') }}

)

select * from needing_help

{#- This build's outreach assignments (the cohort outreach_lift follows up at the next as-of date), appended to the
    earlier as-of dates' (incremental by as_of_date: re-building a date replaces its rows). -#}
{{ config(**incremental_by_as_of_date()) }}

with

member_outreach as (

    select * from {{ ref('member_outreach') }}

),

outreach_actions as (

    select * from {{ ref('outreach_actions') }}
    where segmentation_question = {{ segmentation_question() }}

),

assignments as (

    -- The outcome each action aims to move is the one declared when the member was assigned.
    select
        member_outreach.member_id,
        member_outreach.as_of_date,
        cast({{ segmentation_question() }} as {{ dbt.type_string() }}) as segmentation_question,
        member_outreach.persona,
        member_outreach.recommended_action,
        outreach_actions.outcome_metric,
        member_outreach.outreach_group,
        member_outreach.suppression_reason

    from member_outreach
    left join outreach_actions
        on
            member_outreach.persona = outreach_actions.persona
            and member_outreach.recommended_action = outreach_actions.recommended_action

)

select * from assignments

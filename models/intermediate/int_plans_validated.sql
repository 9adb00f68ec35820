with

plans as (

    select * from {{ ref('stg_plan_extracts__plans') }}

),

duplicated_plan_ids as (

    select plan_id from plans
    group by plan_id
    having count(*) > 1

),

checked as (

    select
        *,
        {{ extract_natural_key(['plan_id']) }} as natural_key,
        case
            {{ reject_blank('plan_id') }}
            when plans.plan_id in (select duplicated_plan_ids.plan_id from duplicated_plan_ids)
                then 'plan_id_duplicated'
            {{ reject_unparseable('plan_year', 'plan_year') }}
            {{ reject_blank('metal_tier') }}
            {{ reject_unaccepted_value('metal_tier', ['Catastrophic', 'Bronze', 'Silver', 'Gold', 'Platinum']) }}
            {{ reject_missing_or_unparseable('deductible', 'deductible') }}
            {{ reject_negative('deductible') }}
            {{ reject_implausible('deductible', 'max_deductible') }}
        end as rejection_rule

    from plans

),

validated as (

    -- The natural key and the row as read are kept for rejected rows only; a valid row's columns say the same.
    select
        plan_id,
        plan_year,
        metal_tier,
        deductible,
        rejection_rule,
        case when rejection_rule is not null then extract_row end as extract_row,
        case when rejection_rule is not null then natural_key end as natural_key

    from checked

)

select * from validated

{%- set event_aggregates = event_extract_aggregates() -%}

with

members as (

    -- Every member id of the members extract: int_members_validated holds each of its rows, rejected or not.
    select distinct member_id from {{ ref('int_members_validated') }}

),

enrollments_member_ids as (

    select distinct
        member_id,
        'enrollments' as extract_table

    from {{ ref('int_enrollments_validated') }}
    where rejection_rule = 'member_id_unknown'

),

contact_preferences_member_ids as (

    select distinct
        member_id,
        'contact_preferences' as extract_table

    from {{ ref('int_contact_preferences_validated') }}
    where rejection_rule = 'member_id_unknown'

),

{% for extract, aggregate in event_aggregates.items() %}
    {{ extract }}_member_ids as (

    -- The aggregate has a row for every member id of the extract's rows that pass their own rules.
        select
            member_id,
            '{{ extract }}' as extract_table

        from {{ ref(aggregate) }}

    ),

{% endfor %}
referenced_member_ids as (

    select * from enrollments_member_ids
    union all
    select * from contact_preferences_member_ids
    {% for extract in event_aggregates %}
        union all
        select * from {{ extract }}_member_ids
    {% endfor %}

),

not_in_members as (

    -- Only the member id decides: a member whose members row is rejected is still known.
    select
        referenced_member_ids.member_id,
        {{ dbt.listagg('referenced_member_ids.extract_table', "', '", 'order by referenced_member_ids.extract_table') }}
            as found_in_extracts

    from referenced_member_ids
    left join members on referenced_member_ids.member_id = members.member_id
    where members.member_id is null
    group by referenced_member_ids.member_id

)

select * from not_in_members

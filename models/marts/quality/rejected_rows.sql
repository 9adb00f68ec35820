{%- set extracts = [
    'members', 'enrollments', 'plans', 'claims', 'portal_logins', 'email_events', 'call_center_contacts',
    'contact_preferences'
] -%}

{#- Reading every row of the event extracts again only to find that none was rejected would be the most
    expensive step of the build. raw rows = used + rejected (extract_rows_used; the reconciliation tests check
    it), so an extract whose rows were all used has nothing to list, and its select below is made empty. -#}
{%- set fully_used = [] -%}
{%- for extract in extracts -%}
    {%- set rows_compared = "select (select count(*) from " ~ source('plan_extracts', extract) ~ ") = ("
        ~ extract_rows_used(extract) ~ ")" -%}
    {%- if execute and load_relation(ref('int_' ~ extract ~ '_validated')) is not none
        and run_query(rows_compared).columns[0].values()[0] -%}
        {%- do fully_used.append(extract) -%}
    {%- endif -%}
{%- endfor %}

with

all_rejected as (

    -- sqlfluff cannot place the indents of this loop, whose rendered values differ in length:
    -- noqa: disable=LT02
    {% for extract in extracts %}
        select
            '{{ extract }}' as source_table,
            natural_key,
            -- plans rows have no member
            {{ 'cast(null as ' ~ dbt.type_string() ~ ')' if extract == 'plans' else 'member_id' }} as member_id,
            rejection_rule,
            {{ row_as_json("extract_row") }} as original_values

        from {{ ref('int_' ~ extract ~ '_validated') }}
        -- an extract whose rows were all used has nothing to list (see the top)
        where rejection_rule is not null {% if extract in fully_used %}and false{% endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
    -- noqa: enable=LT02

),

listed as (

    -- Identical rejected rows (an event extract may repeat a row) are listed once, with their count.
    select
        source_table,
        natural_key,
        member_id,
        rejection_rule,
        original_values,
        {{ as_of_date() }} as as_of_date,
        count(*) as extract_rows

    from all_rejected
    group by source_table, natural_key, member_id, rejection_rule, original_values

)

select * from listed

{%- set extracts = [
    'members', 'enrollments', 'plans', 'claims', 'portal_logins', 'email_events', 'call_center_contacts'
] -%}

-- Scheduling only: this pass reads every row of every extract, which nothing on the way to the segments needs.
-- Starting it after member_features lets it run beside the k-means instead of competing with the feature
-- models for the cores.
-- depends_on: {{ ref('member_features') }}

with

{% for extract in extracts %}
{{ extract }}_classified as (

    -- The valid rows have no key or values here, so they count as one group.
    select
        '{{ extract }}' as source_table,
        rejection_rule,
        natural_key,
        member_id,
        original_values,
        count(*) as extract_rows

    from (
        select
            rejection_rule,
            case when rejection_rule is not null then natural_key end as natural_key,
            {% if extract == 'plans' -%}
            cast(null as {{ dbt.type_string() }}) as member_id,
            {%- else -%}
            case when rejection_rule is not null then member_id end as member_id,
            {%- endif %}
            cast(to_json(extract_row) as {{ dbt.type_string() }}) as original_values

        from {{ ref('int_' ~ extract ~ '_validated') }}
    ) as {{ extract }}_rows
    group by rejection_rule, natural_key, member_id, original_values

),

{% endfor %}
classified as (

    {% for extract in extracts %}
    select * from {{ extract }}_classified
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from classified

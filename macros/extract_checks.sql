{#- Extract checks against the previous run (models/marts/quality/extract_checks.sql). -#}

{% macro event_extract_dates() %}
    {#- Each event extract and the staging column that dates its rows: the one place this map is written. -#}
    {{ return({
        'claims': 'service_date',
        'portal_logins': 'login_at',
        'email_events': 'event_at',
        'call_center_contacts': 'contact_at',
    }) }}
{% endmacro %}

{% macro plan_extract_names() %}
    {#- The contract's extracts (sources plan_extracts), in name order: the event extracts and the four others.
        Written out because a model's refs must be known at parse time, before dbt's graph exists. -#}
    {{ return((event_extract_dates().keys() | list + ['contact_preferences', 'enrollments', 'members', 'plans']) | sort) }}
{% endmacro %}

{% macro percent_text(share) -%}
    {#- A share as text in percent with one decimal, e.g. -50.0. -#}
    cast(round({{ share }} * 100, 1) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro as_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- The rows of an extract that the pipeline used: a small extract's valid rows, and for an event extract the
    rows its feature aggregate counted for member ids the members extract knows. raw rows = used + rejected is
    what the reconciliation tests check, and what lets rejected_rows skip an extract with nothing rejected. -#}

{% macro event_extract_aggregates() %}
    {#- Each event extract and the intermediate model that counts its rows per member: the one place this map is
        written. -#}
    {{ return({
        'claims': 'int_claims_aggregated_to_members',
        'portal_logins': 'int_portal_logins_aggregated_to_members',
        'email_events': 'int_email_opens_aggregated_to_members',
        'call_center_contacts': 'int_call_center_contacts_aggregated_to_members',
    }) }}
{% endmacro %}

{% macro extract_rows_used(extract) %}
    {% set event_aggregates = event_extract_aggregates() %}
    {% if extract in event_aggregates %}
        {{ return(
            "select coalesce(sum(extract_rows), 0) from " ~ ref(event_aggregates[extract])
            ~ " where member_id not in (select member_id from " ~ ref('int_member_ids_not_in_members') ~ ")"
        ) }}
    {% endif %}
    {{ return("select count(*) from " ~ ref('int_' ~ extract ~ '_validated') ~ " where rejection_rule is null") }}
{% endmacro %}

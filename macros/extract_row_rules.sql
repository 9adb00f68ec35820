{#- The rules an event-extract row breaks on its own (everything but member_id_unknown), as WHEN branches of
    a rejection_rule CASE. Matching millions of event rows one by one against the members would be the most
    expensive step of the build, so it is done per member id instead: the extract's aggregate counts the rows
    that pass these rules per member id (a row of an unknown id is counted under that id, which
    member_features, built from valid members, never joins), int_member_ids_not_in_members keeps the ids
    the members extract lacks, and int_<table>_validated adds member_id_unknown for them after these
    rules. -#}

{% macro claims_row_rules() -%}
    {#- paid_amount may be null or negative: reversals and adjustments are negative lines of a claim. Either
        way its size is capped (var max_abs_paid_amount). -#}
    {{ reject_blank('claim_id') }}
    {{ reject_blank('member_id') }}
    {{ reject_missing_or_unparseable('service_date', 'service_date') }}
    {{ reject_date_out_of_range('service_date', 'service_date') }}
    {{ reject_blank('claim_type') }}
    {{ reject_unaccepted_value('claim_type', ['medical', 'pharmacy']) }}
    {{ reject_unparseable('paid_amount', 'paid_amount') }}
    {{ reject_implausible('paid_amount', 'max_abs_paid_amount', absolute=true) }}
{%- endmacro %}

{% macro portal_logins_row_rules() -%}
    {#- A login up to a year after the as-of date is valid: it is simply outside the window. -#}
    {{ reject_blank('member_id') }}
    {{ reject_missing_or_unparseable('login_at', 'login_at') }}
    {{ reject_date_out_of_range('login_at', 'login_at') }}
    {{ reject_blank('channel') }}
    {{ reject_unaccepted_value('channel', ['web', 'mobile']) }}
{%- endmacro %}

{% macro email_events_row_rules() -%}
    {#- campaign_id is descriptive and may be null. -#}
    {{ reject_blank('member_id') }}
    {{ reject_blank('event_type') }}
    {{ reject_unaccepted_value('event_type', ['sent', 'open', 'click']) }}
    {{ reject_missing_or_unparseable('event_at', 'event_at') }}
    {{ reject_date_out_of_range('event_at', 'event_at') }}
{%- endmacro %}

{% macro call_center_contacts_row_rules() -%}
    {#- reason is free agent coding and may be null. -#}
    {{ reject_blank('contact_id') }}
    {{ reject_blank('member_id') }}
    {{ reject_missing_or_unparseable('contact_at', 'contact_at') }}
    {{ reject_date_out_of_range('contact_at', 'contact_at') }}
{%- endmacro %}

{#- The rules an event-extract row breaks on its own (everything but member_id_unknown), as WHEN branches of
    a rejection_rule CASE. int_<table>_validated adds member_id_unknown after them. The extract's aggregate
    applies them to the rows of its activity window, and needs no per-row member check: a row of a member id
    the members extract lacks is counted under that id, which member_features (built from valid members)
    never joins. So the millions of event rows are never matched against the members one by one for the
    features. -#}

{% macro claims_row_rules() -%}
    {#- paid_amount may be null or negative: reversals and adjustments are negative lines of a claim. -#}
    {{ reject_blank('claim_id') }}
    {{ reject_blank('member_id') }}
    {{ reject_missing_or_unparseable('service_date', 'service_date') }}
    {{ reject_date_out_of_range('service_date', 'service_date') }}
    {{ reject_blank('claim_type') }}
    {{ reject_unaccepted_value('claim_type', ['medical', 'pharmacy']) }}
    {{ reject_unparseable('paid_amount', 'paid_amount') }}
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

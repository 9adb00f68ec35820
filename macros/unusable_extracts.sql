{#- An extract with no rows, or whose rows are all rejected, leaves nothing to segment. Without this check the
    build would stop further on with a symptom ("no member has coverage active on the as-of date") instead of the
    cause. member_features calls it before it builds; a header-only event extract (no claims, logins, emails or
    calls) is valid: its members simply have none. -#}

{% macro stop_if_an_extract_is_unusable() %}
    {#- Stops the build with one line naming every unusable extract and its top rejection rules, e.g.
        "plans: all 50 rows rejected (plan_id_missing 30, deductible_unparseable 20)". -#}
    {#- A unit test's fixtures stand in for the extracts: nothing to check there. -#}
    {% if model is defined and model.resource_type == 'unit_test' %}
        {{ return('') }}
    {% endif %}
    {% set event_extracts = event_extract_aggregates().keys() | list %}
    {% set extracts = ['members', 'plans', 'enrollments'] + event_extracts %}
    {#- ref() and extract_rows_used() are called while dbt parses too, so that it knows what this model reads. -#}
    {% set checks = [] %}
    {% for extract in extracts %}
        {% do checks.append({
            'extract': extract,
            'used_rows': extract_rows_used(extract),
            'validated': ref('int_' ~ extract ~ '_validated'),
        }) %}
    {% endfor %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set problems = [] %}
    {% for check in checks if run_query(check['used_rows']).columns[0].values()[0] == 0 %}
        {% set rules = run_query(
            "select rejection_rule, count(*) as extract_rows from " ~ check['validated']
            ~ " group by rejection_rule order by extract_rows desc, rejection_rule"
        ).rows %}
        {% set total = rules | sum(attribute='extract_rows') %}
        {% if total == 0 and check['extract'] not in event_extracts %}
            {% do problems.append(check['extract'] ~ ": the extract has no rows") %}
        {% elif total > 0 %}
            {% set top = [] %}
            {% for rule in rules[:3] %}
                {% do top.append(rule['rejection_rule'] ~ " " ~ rule['extract_rows']) %}
            {% endfor %}
            {% if rules | length > 3 %}
                {% do top.append("other rules " ~ (total - rules[:3] | sum(attribute='extract_rows'))) %}
            {% endif %}
            {% do problems.append(
                check['extract'] ~ ": all " ~ total ~ " rows rejected (" ~ top | join(", ") ~ ")"
            ) %}
        {% endif %}
    {% endfor %}
    {% if problems %}
        {{ exceptions.raise_compiler_error(
            problems | join("; ") ~ ". Nothing to segment: correct the extracts (rejected_rows lists the rows and"
            ~ " their rules) and run the build again."
        ) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}

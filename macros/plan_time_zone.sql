{#- The plan's time zone (var plan_time_zone): the one zone every timestamp-to-date conversion uses, so the
    marts do not depend on the time zone of the machine that builds. Staging turns a timestamp stored with a
    zone into the plan's local time (plan_local_timestamp); every later date is that local time's date. -#}

{% macro set_plan_time_zone() %}
    {#- on-run-start: the session's time zone becomes the plan's (after check_vars). -#}
    {% if execute %}
        {% do adapter.dispatch('set_session_time_zone')(var('plan_time_zone')) %}
    {% endif %}
{% endmacro %}

{% macro duckdb__set_session_time_zone(time_zone) %}
    {% do run_query("set global TimeZone = " ~ dbt.string_literal(time_zone)) %}
{% endmacro %}

{% macro default__set_session_time_zone(time_zone) %}
    {#- Spark's session time zone stays UTC (profiles.yml): plan_local_timestamp shifts from UTC explicitly. -#}
{% endmacro %}

{% macro plan_local_timestamp(column, stored_type) %}
    {#- The extract column as a timestamp of the plan's local time. stored_type is the engine's type of the
        column as read (upper case): with a zone (DuckDB TIMESTAMP WITH TIME ZONE, Spark TIMESTAMP) it is
        converted to the plan's zone; text is read with its offset when it has one; a timestamp without a
        zone is the plan's local time already. -#}
    {{ return(adapter.dispatch('plan_local_timestamp')(column, stored_type)) }}
{% endmacro %}

{% macro duckdb__plan_local_timestamp(column, stored_type) %}
    {% set zone = dbt.string_literal(var('plan_time_zone')) %}
    {% if stored_type in ['TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ'] %}
        {{ return("timezone(" ~ zone ~ ", " ~ column ~ ")") }}
    {% elif stored_type == 'VARCHAR' %}
        {#- A value with an offset is an instant; one without is local time (try_cast as timestamp ignores an
            offset's meaning, so the two are told apart). -#}
        {{ return(
            "case when regexp_matches(" ~ column ~ ", " ~ timestamp_offset_pattern() ~ ")"
            ~ " then timezone(" ~ zone ~ ", try_cast(" ~ column ~ " as timestamptz))"
            ~ " else try_cast(" ~ column ~ " as timestamp) end"
        ) }}
    {% endif %}
    {{ return(dbt.safe_cast(column, dbt.type_timestamp())) }}
{% endmacro %}

{% macro spark__plan_local_timestamp(column, stored_type) %}
    {#- Spark's TIMESTAMP is an instant shown in the session's zone, UTC (profiles.yml); from_utc_timestamp
        shifts it to the plan's wall-clock time. Text with an offset is an instant too; text without one, and
        TIMESTAMP_NTZ, are local time already. -#}
    {% set zone = dbt.string_literal(var('plan_time_zone')) %}
    {% set typed = dbt.safe_cast(column, dbt.type_timestamp()) %}
    {% if stored_type == 'TIMESTAMP' %}
        {{ return("from_utc_timestamp(" ~ typed ~ ", " ~ zone ~ ")") }}
    {% elif stored_type == 'STRING' %}
        {{ return(
            "case when " ~ column ~ " rlike " ~ timestamp_offset_pattern()
            ~ " then from_utc_timestamp(" ~ typed ~ ", " ~ zone ~ ") else " ~ typed ~ " end"
        ) }}
    {% endif %}
    {{ return(typed) }}
{% endmacro %}

{% macro timestamp_offset_pattern() %}
    {#- Text that ends in a time followed by a zone offset (Z, UTC, +05, -05:30, +0530), as a SQL literal. -#}
    {{ return(dbt.string_literal(':[0-9]{2}(\\.[0-9]*)? ?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)$')) }}
{% endmacro %}

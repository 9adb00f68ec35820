{#- Var check, run by on-run-start (dbt_project.yml) before the preflight and before any model: every var the
    project declares must hold a value of its kind, or the build stops with one message per bad var naming the
    var, the value and what is expected. The kinds and ranges are those documented beside each var in
    dbt_project.yml; docs/QUALITY_AND_PHI.md lists them. Only a var that passes here reaches SQL, and text vars
    reach it as escaped string literals (dbt.string_literal, macros/cross_db/string_literal.sql). -#}

{% macro check_vars() %}
    {% if execute %}
        {% set problems = var_problems() %}
        {% do raise_problems(problems, "vars are invalid") %}
    {% endif %}
{% endmacro %}

{% macro var_problems() %}
    {#- One message per var whose value is not of its kind (an empty list when every var is valid). -#}
    {% set problems = [] %}
    {% do problems.append(folder_var_problem('raw_data_path')) %}
    {% do problems.append(choice_var_problem('raw_format', ['parquet', 'csv'], case_sensitive=false)) %}
    {% do problems.append(iso_date_var_problem('as_of_date')) %}
    {% do problems.append(number_var_problem('lookback_months', 1, 120, whole=true)) %}
    {% do problems.append(segmentation_question_var_problem()) %}
    {% if var('n_segments') is not none %}
        {% do problems.append(number_var_problem('n_segments', 2, 20, whole=true, nullable=true)) %}
    {% endif %}
    {% do problems.append(number_var_problem('persona_match_max_distance', 0, 10, low_open=true)) %}
    {% do problems.append(number_var_problem('profile_top_features', 1, 50, whole=true)) %}
    {% do problems.append(number_var_problem('profile_min_abs_z', 0, 10)) %}
    {% do problems.append(number_var_problem('member_review_distance_percentile', 0, 1, low_open=true, high_open=true)) %}
    {% do problems.append(number_var_problem('outreach_holdout_share', 0, 1, high_open=true)) %}
    {% do problems.append(text_var_problem('outreach_holdout_salt', 'a non-empty text')) %}
    {% do problems.append(number_var_problem('fairness_ratio_min', 0, 1, low_open=true)) %}
    {% do problems.append(number_var_problem('fairness_ratio_max', 1, 100)) %}
    {% do problems.append(number_var_problem('fairness_min_cell_size', 1, 1000000, whole=true)) %}
    {% do problems.append(number_var_problem('fairness_confidence_z', 0, 10, low_open=true)) %}
    {% do problems.append(choice_var_problem('refresh_mode', ['refit', 'score'], case_sensitive=true)) %}
    {% do problems.append(number_var_problem('drift_max_persona_change_share', 0, 1)) %}
    {% do problems.append(number_var_problem('drift_max_centroid_shift', 0, 100, low_open=true)) %}
    {% do problems.append(number_var_problem('drift_max_member_share_change', 0, 1)) %}
    {% do problems.append(number_var_problem('kmeans_random_state', 0, 4294967295, whole=true)) %}
    {% do problems.append(number_var_problem('kmeans_n_init', 1, 1000, whole=true)) %}
    {% do problems.append(number_var_problem('kmeans_n_threads', 1, 256, whole=true)) %}
    {% if var('kmeans_fit_sample_size') is not none %}
        {% do problems.append(number_var_problem('kmeans_fit_sample_size', 1, 1000000000, whole=true, nullable=true)) %}
    {% endif %}
    {% do problems.append(time_zone_var_problem('plan_time_zone')) %}
    {% for name in ['max_monthly_premium', 'max_aptc_amount', 'max_deductible', 'max_abs_paid_amount'] %}
        {% do problems.append(number_var_problem(name, 0, 1000000000000, low_open=true)) %}
    {% endfor %}
    {#- The question marts' thresholds and the extract checks' limits are compared in SQL as numbers. -#}
    {% do problems.append(number_var_problem('preventive_care_max_claims', 0, 1000000, whole=true)) %}
    {% do problems.append(text_list_var_problem('renewal_help_personas', 'a list of one or more persona names')) %}
    {% do problems.append(number_var_problem('renewal_min_premium_increase', 0, 1000000000000)) %}
    {% do problems.append(number_var_problem('digital_min_interactions', 0, 1000000, whole=true)) %}
    {% do problems.append(number_var_problem('digital_min_share', 0, 1)) %}
    {% do problems.append(number_var_problem('extract_check_max_row_change_share', 0, 100)) %}
    {% do problems.append(number_var_problem('extract_check_max_member_id_change_share', 0, 1)) %}
    {% do problems.append(number_var_problem('extract_check_max_days_stale', 0, 3650, whole=true)) %}
    {{ return(problems | select | list) }}
{% endmacro %}

{% macro var_value_text(value) %}
    {#- A var's value as the message shows it: text in quotes, null for none. -#}
    {% if value is none %}
        {{ return('null') }}
    {% elif value is string %}
        {{ return("'" ~ value ~ "'") }}
    {% endif %}
    {{ return(value | string) }}
{% endmacro %}

{% macro invalid_var(name, expected) %}
    {#- The message for one var: name, value, what is expected. -#}
    {{ return("var " ~ name ~ " is " ~ var_value_text(var(name)) ~ "; expected " ~ expected ~ ".") }}
{% endmacro %}

{% macro text_var_problem(name, expected) %}
    {#- Non-empty text. -#}
    {% set value = var(name) %}
    {% if value is not string or value | trim == '' %}
        {{ return(invalid_var(name, expected)) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}

{% macro text_list_var_problem(name, expected) %}
    {#- A list of one or more non-empty texts (each reaches SQL as an escaped string literal). -#}
    {% set value = var(name) %}
    {% if value is string or value is mapping or value is not iterable or not value
        or value | reject('string') | list or value | map('trim') | select('equalto', '') | list %}
        {{ return(invalid_var(name, expected)) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}

{% macro folder_var_problem(name) %}
    {#- Non-empty text without glob characters: the extract readers of both engines take the path as a file
        pattern (with folders `plan[1]` and `plan1` side by side, DuckDB reads plan1's files for `plan[1]`), and
        the two engines escape patterns differently, so the build stops rather than read another folder. -#}
    {% set expected = 'a folder path without the characters * ? [ ] (they make it a file pattern; rename the '
        ~ 'folder or link it from a path without them)' %}
    {% set problem = text_var_problem(name, expected) %}
    {% if not problem and var(name) | select('in', '*?[]') | list %}
        {% set problem = invalid_var(name, expected) %}
    {% endif %}
    {{ return(problem) }}
{% endmacro %}

{% macro choice_var_problem(name, choices, case_sensitive) %}
    {#- One of the listed values (in any letter case unless case_sensitive). -#}
    {% set value = var(name) %}
    {% set given = value if case_sensitive or value is not string else value | lower %}
    {% if value is not string or given not in choices %}
        {{ return(invalid_var(name, "one of " ~ choices | join(', ')
            ~ ("" if case_sensitive else " (any letter case)"))) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}

{% macro iso_date_var_problem(name) %}
    {#- A real calendar date written YYYY-MM-DD, between 1900 and 2999 (an unquoted YAML date is one too). -#}
    {% set value = var(name) %}
    {% set text = value | string if value is not none and value is not number and value is not boolean else none %}
    {% set match = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})', text) if text is not none else none %}
    {% if match %}
        {% set year, month, day = match.group(1) | int, match.group(2) | int, match.group(3) | int %}
        {% set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 %}
        {% set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] %}
        {% if 1900 <= year <= 2999 and 1 <= month <= 12 and 1 <= day <= month_days[month - 1] %}
            {{ return('') }}
        {% endif %}
    {% endif %}
    {{ return(invalid_var(name, "a real calendar date written YYYY-MM-DD between 1900-01-01 and 2999-12-31, e.g. 2025-12-31")) }}
{% endmacro %}

{% macro number_var_problem(name, low, high, whole=false, low_open=false, high_open=false, nullable=false) %}
    {#- A number (a whole one when whole) in [low, high]; low_open / high_open exclude that end. -#}
    {% set value = var(name) %}
    {% set is_number = value is number and value is not boolean and (value is integer or not whole) %}
    {% set in_range = is_number
        and (value > low if low_open else value >= low)
        and (value < high if high_open else value <= high) %}
    {% if not in_range %}
        {% set kind = "a whole number" if whole else "a number" %}
        {% if low_open %}
            {% set bounds = "greater than " ~ low ~ (" and less than " if high_open else " and at most ") ~ high %}
        {% else %}
            {% set bounds = "from " ~ low ~ (" up to, not including, " if high_open else " to ") ~ high %}
        {% endif %}
        {{ return(invalid_var(name, kind ~ " " ~ bounds ~ (" (or null)" if nullable else ""))) }}
    {% endif %}
    {% if name == 'fairness_ratio_max' and var('fairness_ratio_min') is number and value <= var('fairness_ratio_min') %}
        {{ return(invalid_var(name, "a number greater than var fairness_ratio_min (" ~ var('fairness_ratio_min') ~ ")")) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}

{% macro segmentation_question_var_problem() %}
    {#- segmentation_question names a question of segmentation_questions, each a mapping with a features list. -#}
    {% set questions = var('segmentation_questions') %}
    {% if questions is not mapping or not questions %}
        {{ return(invalid_var('segmentation_questions', "a mapping of question names to their settings")) }}
    {% endif %}
    {% set question = var('segmentation_question') %}
    {% if question is not string or question not in questions %}
        {{ return(invalid_var('segmentation_question', "one of var segmentation_questions: "
            ~ questions | list | sort | join(', '))) }}
    {% endif %}
    {% for name, settings in questions.items() %}
        {% if settings is not mapping or not settings.get('features') or not is_list_of_names(settings.get('features'))
            or not is_list_of_names(settings.get('log1p_features', [])) %}
            {{ return("var segmentation_questions." ~ name ~ " is " ~ var_value_text(settings)
                ~ "; expected features and log1p_features as lists of member_features column names, and n_segments.") }}
        {% endif %}
    {% endfor %}
    {% set attributes = var('fairness_attribute_inputs') %}
    {% set check = namespace(valid=attributes is mapping and is_list_of_names(attributes.keys() | list)) %}
    {% for inputs in (attributes.values() if attributes is mapping else []) %}
        {% set check.valid = check.valid and is_list_of_names(inputs) %}
    {% endfor %}
    {% if not check.valid %}
        {{ return(invalid_var('fairness_attribute_inputs',
            "a mapping of audited attribute names to lists of member_features column names")) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}

{% macro is_list_of_names(value) %}
    {#- A list of snake_case names (column names reach SQL as identifiers); it may be empty. -#}
    {% if value is string or value is mapping or value is not iterable %}
        {{ return(false) }}
    {% endif %}
    {% for name in value %}
        {% if name is not string or not modules.re.fullmatch('[a-z_][a-z0-9_]*', name) %}
            {{ return(false) }}
        {% endif %}
    {% endfor %}
    {{ return(true) }}
{% endmacro %}

{% macro time_zone_var_problem(name) %}
    {#- A time zone name of the IANA database (UTC, America/New_York, ...), as the engine knows it. -#}
    {% set value = var(name) %}
    {% if value is string and modules.re.fullmatch('[A-Za-z][A-Za-z0-9_+/-]*', value)
        and adapter.dispatch('time_zone_is_known')(value) %}
        {{ return('') }}
    {% endif %}
    {{ return(invalid_var(name, "a time zone name of the IANA database, e.g. UTC or America/New_York")) }}
{% endmacro %}

{% macro duckdb__time_zone_is_known(name) %}
    {% set found = run_query(
        "select count(*) from pg_timezone_names() where name = " ~ dbt.string_literal(name)
    ).columns[0].values()[0] %}
    {{ return(found > 0) }}
{% endmacro %}

{% macro default__time_zone_is_known(name) %}
    {#- Spark has no list of its zones; an unknown one fails setting the session's time zone. -#}
    {{ return(true) }}
{% endmacro %}

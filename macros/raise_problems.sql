{#- How an on-run-start check (check_vars, preflight_extracts) stops the build: one message for all it found. -#}

{% macro raise_problems(problems, what) %}
    {#- A single problem as it is; several as a list under "<count> <what>:", one per line. -#}
    {% if problems | length == 1 %}
        {{ exceptions.raise_compiler_error(problems[0]) }}
    {% elif problems %}
        {{ exceptions.raise_compiler_error(problems | length ~ " " ~ what ~ ":\n- " ~ problems | join("\n- ")) }}
    {% endif %}
{% endmacro %}

{% macro wilson_bound(share, members, end) %}
    {#- One end ('low' or 'high') of the 95% Wilson score interval (z = 1.96, double literals so both engines
        compute alike) of a proportion `share` of `members`; null when there are no members (nullif keeps Spark's
        ANSI mode from failing on the division). -#}
    {% if end not in ['low', 'high'] %}
        {{ exceptions.raise_compiler_error("wilson_bound: end is " ~ end ~ "; expected 'low' or 'high'.") }}
    {% endif %}
    (
        {{ share }} + 1.9208e0 / nullif({{ members }}, 0)
        {{ '-' if end == 'low' else '+' }} 1.96e0 * sqrt(
            {{ share }} * (1 - {{ share }}) / nullif({{ members }}, 0)
            + 0.9604e0 / nullif({{ members }} * {{ members }}, 0)
        )
    ) / (1 + 3.8416e0 / nullif({{ members }}, 0))
{% endmacro %}

{#- The number the first eight hex digits of a hash spell (0 to 2^32 - 1), as a bigint: DuckDB reads a 0x
    literal in a cast, Spark converts bases with conv. outreach_holdout_draw uses it. -#}
{% macro hex_prefix_to_bigint(hex) -%}
    {{ return(adapter.dispatch('hex_prefix_to_bigint')(hex)) }}
{%- endmacro %}

{% macro default__hex_prefix_to_bigint(hex) -%}
    cast('0x' || substr({{ hex }}, 1, 8) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro spark__hex_prefix_to_bigint(hex) -%}
    cast(conv(substr({{ hex }}, 1, 8), 16, 10) as {{ dbt.type_bigint() }})
{%- endmacro %}

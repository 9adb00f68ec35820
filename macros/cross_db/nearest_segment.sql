{#- The segment_id at the smallest distance within a group (an aggregate), ties going to the lower segment_id
    so that every engine picks the same segment. -#}
{% macro nearest_segment(segment_id, distance) -%}
    {{ return(adapter.dispatch('nearest_segment')(segment_id, distance)) }}
{%- endmacro %}

{% macro default__nearest_segment(segment_id, distance) -%}
    min_by({{ segment_id }}, struct({{ distance }}, {{ segment_id }}))
{%- endmacro %}

{% macro duckdb__nearest_segment(segment_id, distance) -%}
    arg_min({{ segment_id }}, ({{ distance }}, {{ segment_id }}))
{%- endmacro %}

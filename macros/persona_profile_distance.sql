{#- Aggregate: root-mean-square gap between a segment's centroid and its persona's declared profile, over the
    features the profile names (rows whose target is null do not count). Used per segment (group by). -#}
{% macro persona_profile_distance(centroid_z, target_z) -%}
    cast(
        sqrt(avg(case when {{ target_z }} is not null then power({{ centroid_z }} - {{ target_z }}, 2) end))
        as {{ type_double() }}
    )
{%- endmacro %}

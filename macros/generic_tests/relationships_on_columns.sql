{#- Referential integrity on a composite key: every combination of `columns` in the model exists in `to`
    (e.g. a persona of seed outreach_actions is a persona of the same segmentation question in seed personas).
    Rows with a null key column are left to not_null tests. -#}
{% test relationships_on_columns(model, to, columns) %}

select * from {{ model }} as child
where
    {% for column in columns %}child.{{ column }} is not null and {% endfor %}
    not exists (
        select 1 from {{ to }} as parent
        where {% for column in columns %}parent.{{ column }} = child.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
    )

{% endtest %}

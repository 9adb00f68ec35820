{#- Warns when a persona or action is over- or under-represented in a group of members beyond the fairness
    bounds, on an attribute the segmentation does not use by design. dbt prints only how many rows a test
    returns, so the flagged cells are also logged, one line each, naming the outcome and the group. -#}
{{ config(severity='warn') }}

{%- set flagged_cells -%}
select
    outcome_type,
    outcome,
    attribute,
    attribute_value,
    group_rate,
    overall_rate,
    rate_ratio,
    rate_ratio_lower,
    rate_ratio_upper
from {{ ref('segment_fairness') }}
where flagged and not by_design
{%- endset -%}

{%- if execute and load_relation(ref('segment_fairness')) is not none -%}
    {%- set cells = run_query(flagged_cells ~ ' order by outcome_type, outcome, attribute, attribute_value') -%}
    {%- for cell in cells.rows -%}
        {%- do log(
            "segment_fairness flag: " ~ cell['outcome_type'] ~ " '" ~ cell['outcome'] ~ "' among "
            ~ cell['attribute'] ~ " = '" ~ cell['attribute_value'] ~ "': rate " ~ '%.3f' | format(cell['group_rate'])
            ~ " against " ~ '%.3f' | format(cell['overall_rate']) ~ " overall, ratio "
            ~ '%.2f' | format(cell['rate_ratio']) ~ " (95% interval " ~ '%.2f' | format(cell['rate_ratio_lower'])
            ~ "-" ~ '%.2f' | format(cell['rate_ratio_upper']) ~ ") outside " ~ var('fairness_ratio_min') ~ "-"
            ~ var('fairness_ratio_max'),
            info=True
        ) -%}
    {%- endfor -%}
{%- endif %}

{{ flagged_cells }}

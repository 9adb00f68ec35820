{#- Warns for each segment of this build's run whose share of the members changed by more than
    var drift_max_member_share_change since the previous run. -#}
{{ config(severity='warn') }}

{%- set findings -%}
select
    as_of_date,
    segment_id,
    persona,
    member_share_change,
    {{ dbt.concat([
        "'segmentation refresh '", "cast(as_of_date as " ~ dbt.type_string() ~ ")", "': segment '",
        "cast(segment_id as " ~ dbt.type_string() ~ ")", "' ('", "persona", "') holds '",
        "cast(round(100 * member_share, 1) as " ~ dbt.type_string() ~ ")", "'% of the members, against '",
        "cast(round(100 * previous_member_share, 1) as " ~ dbt.type_string() ~ ")", "'% on '",
        "cast(previous_as_of_date as " ~ dbt.type_string() ~ ")",
        "' (at most " ~ (100 * var('drift_max_member_share_change')) ~ " points of change)'",
    ]) }} as finding
from {{ ref('segment_drift') }}
where as_of_date = {{ as_of_date() }} and member_share_change_flagged
{%- endset -%}

{{ logged_findings(ref('segment_drift'), findings) }}

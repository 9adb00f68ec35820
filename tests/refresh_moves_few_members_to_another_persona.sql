{#- Warns when more than var drift_max_persona_change_share of the members in both this build's run and the
    previous run changed persona: the refresh moved many members and a person should review it before
    outreach goes out. -#}
{{ config(severity='warn') }}

{%- set findings -%}
select
    as_of_date,
    persona_change_share,
    {{ dbt.concat([
        "'segmentation refresh '", "cast(as_of_date as " ~ dbt.type_string() ~ ")", "': '",
        "cast(round(100 * persona_change_share, 1) as " ~ dbt.type_string() ~ ")",
        "'% of the members in both runs changed persona since '",
        "cast(previous_as_of_date as " ~ dbt.type_string() ~ ")",
        "' (at most " ~ (100 * var('drift_max_persona_change_share')) ~ "% expected)'",
    ]) }} as finding
from {{ ref('refresh_verdicts') }}
where as_of_date = {{ as_of_date() }} and persona_change_flagged
{%- endset -%}

{{ logged_findings(ref('refresh_verdicts'), findings) }}

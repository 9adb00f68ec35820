{#- Warns for each segment of this build's run that matched no persona well: its centroid lies further than
    var persona_match_max_distance from its persona's declared profile (segment_reviews then puts the segment
    in "Needs review" and gives it no action). -#}
{{ config(severity='warn') }}

{%- set findings -%}
select
    as_of_date,
    segment_id,
    persona,
    persona_profile_distance,
    {{ dbt.concat([
        "'segmentation refresh '", "cast(as_of_date as " ~ dbt.type_string() ~ ")", "': segment '",
        "cast(segment_id as " ~ dbt.type_string() ~ ")", "' matches persona '", "persona", "' poorly: '",
        "cast(round(persona_profile_distance, 2) as " ~ dbt.type_string() ~ ")",
        "' from its profile (RMS z-gap; at most " ~ var('persona_match_max_distance') ~ ")'",
    ]) }} as finding
from {{ ref('segment_drift') }}
where as_of_date = {{ as_of_date() }} and persona_fit_flagged
{%- endset -%}

{{ logged_findings(ref('segment_drift'), findings) }}

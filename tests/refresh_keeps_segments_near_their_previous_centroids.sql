{#- Warns for each segment of this build's run whose centroid moved further than var drift_max_centroid_shift
    (scaled units) from the previous run's: the segment may now describe other members. -#}
{{ config(severity='warn') }}

{%- set findings -%}
select
    as_of_date,
    segment_id,
    persona,
    centroid_shift,
    {{ dbt.concat([
        "'segmentation refresh '", "cast(as_of_date as " ~ dbt.type_string() ~ ")", "': segment '",
        "cast(segment_id as " ~ dbt.type_string() ~ ")", "' ('", "persona", "') centroid moved '",
        "cast(round(centroid_shift, 2) as " ~ dbt.type_string() ~ ")",
        "' standard deviations since '", "cast(previous_as_of_date as " ~ dbt.type_string() ~ ")",
        "' (at most " ~ var('drift_max_centroid_shift') ~ ")'",
    ]) }} as finding
from {{ ref('segment_drift') }}
where as_of_date = {{ as_of_date() }} and centroid_shift_flagged
{%- endset -%}

{{ logged_findings(ref('segment_drift'), findings) }}

{#- One row per run, rebuilt from the small per-segment and per-migration tables on every build. -#}
with

segment_drift as (

    select * from {{ ref('segment_drift') }}

),

segment_migrations as (

    select * from {{ ref('segment_migrations') }}

),

membership_changes as (

    select
        as_of_date,
        sum(case when migration = 'entered' then member_count else 0 end) as entered_members,
        sum(case when migration = 'left' then member_count else 0 end) as left_members

    from segment_migrations
    group by as_of_date

),

runs as (

    select
        as_of_date,
        max(previous_as_of_date) as previous_as_of_date,
        max(segmentation_question) as segmentation_question,
        max(refresh_mode) as refresh_mode,
        cast(sum(member_count) as bigint) as members,
        cast(sum(previous_member_count) as bigint) as previous_members,
        cast(sum(continuing_members) as bigint) as continuing_members,
        cast(sum(changed_persona_members) as bigint) as changed_persona_members,
        cast(sum(member_count * mean_distance_to_centroid) as {{ type_double() }})
        / nullif(sum(member_count), 0) as mean_distance_to_centroid,
        cast(sum(previous_member_count * previous_mean_distance_to_centroid) as {{ type_double() }})
        / nullif(sum(previous_member_count), 0) as previous_mean_distance_to_centroid,
        max(abs(member_share_change)) as max_member_share_change,
        max(centroid_shift) as max_centroid_shift,
        max(persona_profile_distance) as max_persona_profile_distance,
        count(*) filter (where member_share_change_flagged) as member_share_change_flagged_segments,
        count(*) filter (where centroid_shift_flagged) as centroid_shift_flagged_segments,
        count(*) filter (where persona_fit_flagged) as persona_fit_flagged_segments

    from segment_drift
    group by as_of_date

),

run_drift as (

    select
        runs.as_of_date,
        runs.previous_as_of_date,
        runs.segmentation_question,
        runs.refresh_mode,
        runs.members,
        runs.previous_members,
        cast(coalesce(membership_changes.entered_members, 0) as bigint) as entered_members,
        cast(coalesce(membership_changes.left_members, 0) as bigint) as left_members,
        runs.continuing_members,
        runs.changed_persona_members,
        cast(runs.changed_persona_members as {{ type_double() }})
        / nullif(runs.continuing_members, 0) as persona_change_share,
        runs.mean_distance_to_centroid,
        runs.previous_mean_distance_to_centroid,
        runs.max_member_share_change,
        runs.max_centroid_shift,
        runs.max_persona_profile_distance,
        runs.member_share_change_flagged_segments,
        runs.centroid_shift_flagged_segments,
        runs.persona_fit_flagged_segments

    from runs
    left join membership_changes on runs.as_of_date = membership_changes.as_of_date

),

reviewed as (

    select
        *,
        coalesce(persona_change_share > {{ var('drift_max_persona_change_share') }}, false) as persona_change_flagged,
        coalesce(persona_change_share > {{ var('drift_max_persona_change_share') }}, false)
        or member_share_change_flagged_segments > 0
        or centroid_shift_flagged_segments > 0
        or persona_fit_flagged_segments > 0 as needs_review

    from run_drift

)

select * from reviewed

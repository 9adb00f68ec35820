{#- Incremental by as_of_date: this build's as-of date and, when a later date was built before this one was
    (re-)built, that later date, whose comparison depends on this build's rows. -#}
{{ config(**incremental_by_as_of_date()) }}

with

int_segmentation_runs_paired as (

    select * from {{ ref('int_segmentation_runs_paired') }}

),

member_segment_history as (

    select * from {{ ref('member_segment_history') }}

),

segment_centroid_history as (

    select * from {{ ref('segment_centroid_history') }}

),

segment_migrations as (

    select * from {{ ref('segment_migrations') }}

),

drift_runs as (

    select
        as_of_date,
        previous_as_of_date

    from int_segmentation_runs_paired

),

segment_shares as (

    -- Members, their share of the run's members and their mean distance to the centroid per segment, in the
    -- drift runs and the runs before them.
    select
        member_segment_history.as_of_date,
        member_segment_history.segment_id,
        count(*) as member_count,
        cast(count(*) as {{ type_double() }})
        / sum(count(*)) over (partition by member_segment_history.as_of_date) as member_share,
        cast(avg(member_segment_history.distance_to_centroid) as {{ type_double() }}) as mean_distance_to_centroid

    from member_segment_history
    where
        member_segment_history.as_of_date in (select drift_runs.as_of_date from drift_runs)
        or member_segment_history.as_of_date in (select drift_runs.previous_as_of_date from drift_runs)
    group by member_segment_history.as_of_date, member_segment_history.segment_id

),

profile_fit as (

    -- Every segment of the run, members or not, and how far its centroid lies from its persona's profile.
    select
        segment_centroid_history.as_of_date,
        segment_centroid_history.segmentation_question,
        segment_centroid_history.segment_id,
        segment_centroid_history.persona,
        segment_centroid_history.refresh_mode,
        {{ persona_profile_distance(
            'segment_centroid_history.centroid_scaled', 'segment_centroid_history.profile_target_z'
        ) }} as persona_profile_distance

    from segment_centroid_history
    inner join drift_runs on segment_centroid_history.as_of_date = drift_runs.as_of_date
    group by
        segment_centroid_history.as_of_date,
        segment_centroid_history.segmentation_question,
        segment_centroid_history.segment_id,
        segment_centroid_history.persona,
        segment_centroid_history.refresh_mode

),

centroid_pairs as (

    -- Per segment and feature: this run's centroid, scaling and transform, and the previous run's centroid in the
    -- features' own units (centroid_value) within this run's clip bounds. Rows an earlier version wrote have no
    -- feature_transform: log1p where log1p_applied, else none.
    select
        drift_runs.as_of_date,
        current_centroids.segment_id,
        current_centroids.centroid_scaled,
        current_centroids.scaler_center,
        current_centroids.scaler_scale,
        current_centroids.transform_lambda,
        coalesce(
            current_centroids.feature_transform,
            case when current_centroids.log1p_applied then 'log1p' else 'none' end
        ) as feature_transform,
        {{ clipped_feature(
            'previous_centroids.centroid_value', 'current_centroids.clip_lower', 'current_centroids.clip_upper'
        ) }} as previous_value

    from drift_runs
    inner join segment_centroid_history as current_centroids
        on drift_runs.as_of_date = current_centroids.as_of_date
    inner join segment_centroid_history as previous_centroids
        on
            drift_runs.previous_as_of_date = previous_centroids.as_of_date
            and current_centroids.segment_id = previous_centroids.segment_id
            and current_centroids.feature = previous_centroids.feature

),

logged_centroid_pairs as (

    -- The parts of this run's Yeo-Johnson transform of the previous centroid (macros/cross_db/feature_transform.sql).
    select
        *,
        {{ log1p('abs(previous_value)') }} as previous_log1p_abs

    from centroid_pairs

),

powered_centroid_pairs as (

    {%- set exponent = yeo_johnson_exponent('previous_value', 'transform_lambda', 'previous_log1p_abs') %}
    select
        *,
        {{ exponent }} as previous_exponent,
        exp({{ exponent }}) as previous_exp

    from logged_centroid_pairs

),

centroid_shifts as (

    -- Euclidean distance from the previous run's centroid, both in this run's scaled units.
    select
        as_of_date,
        segment_id,
        cast(sqrt(sum(power(
            centroid_scaled
            - (
                {{ feature_transform_from_parts(
                    'previous_value',
                    'feature_transform',
                    'transform_lambda',
                    'previous_log1p_abs',
                    'previous_exponent',
                    'previous_exp',
                ) }}
                - scaler_center
            )
            / scaler_scale,
            2
        ))) as {{ type_double() }}) as centroid_shift

    from powered_centroid_pairs
    group by as_of_date, segment_id

),

persona_changes as (

    -- Of a segment's members in the previous run who are still members, those now in another segment.
    select
        as_of_date,
        from_segment_id as segment_id,
        sum(member_count) as continuing_members,
        sum(case when migration = 'moved' then member_count else 0 end) as changed_persona_members

    from segment_migrations
    where
        migration in ('stayed', 'moved')
        and as_of_date in (select drift_runs.as_of_date from drift_runs)
    group by as_of_date, from_segment_id

),

segment_comparisons as (

    select
        profile_fit.as_of_date,
        drift_runs.previous_as_of_date,
        profile_fit.segmentation_question,
        profile_fit.segment_id,
        profile_fit.persona,
        profile_fit.refresh_mode,
        coalesce(current_members.member_count, 0) as member_count,
        case
            when drift_runs.previous_as_of_date is not null then coalesce(previous_members.member_count, 0)
        end as previous_member_count,
        coalesce(current_members.member_share, 0) as member_share,
        case
            when drift_runs.previous_as_of_date is not null then coalesce(previous_members.member_share, 0)
        end as previous_member_share,
        cast(coalesce(persona_changes.continuing_members, 0) as bigint) as continuing_members,
        cast(coalesce(persona_changes.changed_persona_members, 0) as bigint) as changed_persona_members,
        cast(persona_changes.changed_persona_members as {{ type_double() }})
        / nullif(persona_changes.continuing_members, 0) as persona_change_share,
        centroid_shifts.centroid_shift,
        current_members.mean_distance_to_centroid,
        previous_members.mean_distance_to_centroid as previous_mean_distance_to_centroid,
        profile_fit.persona_profile_distance

    from profile_fit
    inner join drift_runs on profile_fit.as_of_date = drift_runs.as_of_date
    left join segment_shares as current_members
        on
            profile_fit.as_of_date = current_members.as_of_date
            and profile_fit.segment_id = current_members.segment_id
    left join segment_shares as previous_members
        on
            drift_runs.previous_as_of_date = previous_members.as_of_date
            and profile_fit.segment_id = previous_members.segment_id
    left join centroid_shifts
        on
            profile_fit.as_of_date = centroid_shifts.as_of_date
            and profile_fit.segment_id = centroid_shifts.segment_id
    left join persona_changes
        on
            profile_fit.as_of_date = persona_changes.as_of_date
            and profile_fit.segment_id = persona_changes.segment_id

),

flagged as (

    -- Each flag is false when there is nothing to compare (a first run) or the measure is within its var.
    select
        *,
        member_count - previous_member_count as member_count_change,
        member_share - previous_member_share as member_share_change,
        coalesce(abs(member_share - previous_member_share) > {{ var('drift_max_member_share_change') }}, false)
            as member_share_change_flagged,
        coalesce(centroid_shift > {{ var('drift_max_centroid_shift') }}, false) as centroid_shift_flagged,
        coalesce(persona_change_share > {{ var('drift_max_persona_change_share') }}, false)
            as persona_change_flagged,
        coalesce(persona_profile_distance > {{ var('persona_match_max_distance') }}, false) as persona_fit_flagged

    from segment_comparisons

)

select * from flagged

{#- Incremental by as_of_date. A build compares its as-of date with the run before it and, when a later date
    was built before this one was (re-)built, that later date with this one: the comparison that
    depends on this build's rows. Other dates keep their rows. -#}
{{ config(**incremental_by_as_of_date()) }}

with

int_segmentation_runs_paired as (

    select * from {{ ref('int_segmentation_runs_paired') }}

),

member_segment_history as (

    select * from {{ ref('member_segment_history') }}

),

run_members as (

    -- The members of each compared run and of the run before it (a first run is compared with nothing).
    select
        compared_runs.as_of_date,
        compared_runs.previous_as_of_date,
        member_segment_history.member_id,
        member_segment_history.segment_id,
        member_segment_history.persona,
        member_segment_history.as_of_date = compared_runs.as_of_date as in_compared_run

    from int_segmentation_runs_paired as compared_runs
    inner join member_segment_history
        on member_segment_history.as_of_date in (compared_runs.as_of_date, compared_runs.previous_as_of_date)
    where compared_runs.previous_as_of_date is not null

),

member_moves as (

    -- One row per member of either run: the segment they came from and the one they are in (null where absent).
    select
        as_of_date,
        previous_as_of_date,
        member_id,
        max(case when not in_compared_run then segment_id end) as from_segment_id,
        max(case when not in_compared_run then persona end) as from_persona,
        max(case when in_compared_run then segment_id end) as to_segment_id,
        max(case when in_compared_run then persona end) as to_persona

    from run_members
    group by as_of_date, previous_as_of_date, member_id

),

member_migrations as (

    -- Entered: segmented now, not in the previous run (newly covered); left: the reverse (coverage ended).
    select
        *,
        case
            when from_segment_id is null then 'entered'
            when to_segment_id is null then 'left'
            when from_segment_id = to_segment_id then 'stayed'
            else 'moved'
        end as migration

    from member_moves

),

migration_counts as (

    select
        as_of_date,
        previous_as_of_date,
        migration,
        from_segment_id,
        from_persona,
        to_segment_id,
        to_persona,
        count(*) as member_count

    from member_migrations
    group by as_of_date, previous_as_of_date, migration, from_segment_id, from_persona, to_segment_id, to_persona

),

migrations as (

    select
        *,
        case
            when from_segment_id is not null
                then
                    cast(member_count as {{ type_double() }})
                    / sum(member_count) over (partition by as_of_date, from_segment_id)
        end as share_of_from_segment,
        case
            when to_segment_id is not null
                then
                    cast(member_count as {{ type_double() }})
                    / sum(member_count) over (partition by as_of_date, to_segment_id)
        end as share_of_to_segment

    from migration_counts

)

select * from migrations

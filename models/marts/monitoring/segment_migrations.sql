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

compared_runs as (

    select
        as_of_date,
        previous_as_of_date

    from int_segmentation_runs_paired
    where
        previous_as_of_date is not null
        and {{ as_of_date() }} in (as_of_date, previous_as_of_date)

),

later_members as (

    select
        compared_runs.as_of_date,
        compared_runs.previous_as_of_date,
        member_segment_history.member_id,
        member_segment_history.segment_id,
        member_segment_history.persona

    from compared_runs
    inner join member_segment_history on compared_runs.as_of_date = member_segment_history.as_of_date

),

earlier_members as (

    select
        compared_runs.as_of_date,
        compared_runs.previous_as_of_date,
        member_segment_history.member_id,
        member_segment_history.segment_id,
        member_segment_history.persona

    from compared_runs
    inner join member_segment_history on compared_runs.previous_as_of_date = member_segment_history.as_of_date

),

member_moves as (

    -- Entered: segmented now, not in the previous run (newly covered); left: the reverse (coverage ended).
    select
        earlier_members.segment_id as from_segment_id,
        earlier_members.persona as from_persona,
        later_members.segment_id as to_segment_id,
        later_members.persona as to_persona,
        coalesce(later_members.as_of_date, earlier_members.as_of_date) as as_of_date,
        coalesce(later_members.previous_as_of_date, earlier_members.previous_as_of_date) as previous_as_of_date,
        case
            when earlier_members.member_id is null then 'entered'
            when later_members.member_id is null then 'left'
            when earlier_members.segment_id = later_members.segment_id then 'stayed'
            else 'moved'
        end as migration

    from later_members
    full outer join earlier_members
        on
            later_members.as_of_date = earlier_members.as_of_date
            and later_members.member_id = earlier_members.member_id

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

    from member_moves
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

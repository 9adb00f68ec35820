{#- Every member of two consecutive runs is in exactly one migration row of the later run: stayed + moved + left
    adds up to the earlier run's members and stayed + moved + entered to the later run's. Returns each run
    where a count does not add up. -#}
with

segment_migrations as (

    select * from {{ ref('segment_migrations') }}

),

segmentation_run_history as (

    select * from {{ ref('segmentation_run_history') }}

),

migration_totals as (

    select
        as_of_date,
        previous_as_of_date,
        sum(case when to_segment_id is not null then member_count else 0 end) as later_members,
        sum(case when from_segment_id is not null then member_count else 0 end) as earlier_members

    from segment_migrations
    group by as_of_date, previous_as_of_date

),

reconciled as (

    select
        migration_totals.as_of_date,
        migration_totals.later_members,
        later_runs.members_segmented as later_members_segmented,
        migration_totals.earlier_members,
        earlier_runs.members_segmented as earlier_members_segmented

    from migration_totals
    left join segmentation_run_history as later_runs on migration_totals.as_of_date = later_runs.as_of_date
    left join segmentation_run_history as earlier_runs on migration_totals.previous_as_of_date = earlier_runs.as_of_date

)

select * from reconciled
where
    later_members is distinct from later_members_segmented
    or earlier_members is distinct from earlier_members_segmented

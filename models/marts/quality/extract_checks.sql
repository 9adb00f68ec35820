{#- This build's extracts against the previous run's (the latest earlier as-of date in extract_profile_history),
    one row per check; warns marks the rows beyond their var threshold, and the warn-severity test
    extract_checks_within_thresholds prints each one's finding. Incremental by as_of_date. -#}
{{ config(**incremental_by_as_of_date()) }}

{%- set row_threshold = var('extract_check_max_row_change_share') %}
{%- set id_threshold = var('extract_check_max_member_id_change_share') %}
{%- set stale_threshold = var('extract_check_max_days_stale') %}

{%- if execute and load_relation(ref('extract_profile_history')) is not none %}
    {%- set earlier = run_query(
        "select count(*) from " ~ ref('extract_profile_history') ~ " where as_of_date < " ~ as_of_date()
    ).columns[0].values()[0] %}
    {%- if earlier == 0 %}
        {%- do log("extract checks as of " ~ var('as_of_date') ~ ": no previous run in this warehouse, nothing to compare with", info=True) %}
    {%- endif %}
{%- endif %}

with

profiles as (

    select * from {{ ref('extract_profile_history') }}

),

member_ids as (

    select * from {{ ref('int_member_ids_kept_by_as_of_date') }}

),

previous_run as (

    select max(as_of_date) as previous_as_of_date
    from profiles
    where as_of_date < {{ as_of_date() }}

),

current_profiles as (

    select * from profiles
    where as_of_date = {{ as_of_date() }}

),

previous_profiles as (

    select profiles.*
    from profiles
    inner join previous_run on profiles.as_of_date = previous_run.previous_as_of_date

),

this_month as (

    select * from current_profiles
    where scope = 'month'

),

previous_month as (

    select * from previous_profiles
    where scope = 'month'

),

extract_row_counts as (

    select
        'extract_rows' as check_name,
        current_profiles.extract_name,
        cast(null as date) as event_month,
        previous_profiles.extract_rows as previous_value,
        current_profiles.extract_rows as current_value,
        current_profiles.extract_rows - previous_profiles.extract_rows as changed_value,
        cast(null as date) as latest_event_date
    from current_profiles
    left join previous_profiles
        on
            current_profiles.extract_name = previous_profiles.extract_name
            and previous_profiles.scope = 'extract'
    where current_profiles.scope = 'extract'

),

-- Months wholly inside this run's lookback window that had ended by the previous as-of date: both runs' extracts
-- hold them whole, so their rows should match (the window's first and newest months are partial in one run).
month_row_counts as (

    select
        'month_rows' as check_name,
        coalesce(this_month.extract_name, previous_month.extract_name) as extract_name,
        coalesce(this_month.event_month, previous_month.event_month) as event_month,
        previous_month.extract_rows as previous_value,
        coalesce(this_month.extract_rows, 0) as current_value,
        coalesce(this_month.extract_rows, 0) - previous_month.extract_rows as changed_value,
        cast(null as date) as latest_event_date
    from this_month
    full outer join previous_month
        on
            this_month.extract_name = previous_month.extract_name
            and this_month.event_month = previous_month.event_month
    cross join previous_run
    where
        coalesce(this_month.event_month, previous_month.event_month) > {{ lookback_start_date() }}
        and {{ dbt.dateadd('month', 1, 'coalesce(this_month.event_month, previous_month.event_month)') }}
        <= {{ dbt.dateadd('day', 1, 'previous_run.previous_as_of_date') }}

),

current_ids as (

    select member_id from member_ids
    where as_of_date = {{ as_of_date() }}

),

previous_ids as (

    select member_ids.member_id
    from member_ids
    inner join previous_run on member_ids.as_of_date = previous_run.previous_as_of_date

),

-- Every member id of either run, and in which runs it is.
member_id_presence as (

    select
        coalesce(current_ids.member_id, previous_ids.member_id) as member_id,
        current_ids.member_id is not null as in_current,
        previous_ids.member_id is not null as in_previous
    from current_ids
    full outer join previous_ids on current_ids.member_id = previous_ids.member_id

),

member_id_counts as (

    select
        count(case when in_previous then 1 end) as previous_ids,
        count(case when in_current then 1 end) as current_ids,
        count(case when in_current and not in_previous then 1 end) as new_ids,
        count(case when in_previous and not in_current then 1 end) as vanished_ids
    from member_id_presence

),

-- The two ways a member id can change between runs, one check each.
member_id_checks as (

    select 'new_member_ids' as check_name
    union all
    select 'vanished_member_ids' as check_name

),

member_id_changes as (

    select
        member_id_checks.check_name,
        'members' as extract_name,
        cast(null as date) as event_month,
        member_id_counts.previous_ids as previous_value,
        member_id_counts.current_ids as current_value,
        case member_id_checks.check_name
            when 'new_member_ids' then member_id_counts.new_ids
            else member_id_counts.vanished_ids
        end as changed_value,
        cast(null as date) as latest_event_date
    from member_id_counts
    cross join member_id_checks
    cross join previous_run
    where previous_run.previous_as_of_date is not null

),

freshness as (

    select
        'days_stale' as check_name,
        extract_name,
        cast(null as date) as event_month,
        cast(null as bigint) as previous_value,
        cast(null as bigint) as current_value,
        {{ dbt.datediff('latest_event_date', as_of_date(), 'day') }} as changed_value,
        latest_event_date
    from current_profiles
    where
        scope = 'extract'
        and extract_name in ({{ "'" ~ event_extract_dates().keys() | join("', '") ~ "'" }})

),

checks as (

    select * from extract_row_counts
    union all
    select * from month_row_counts
    union all
    select * from member_id_changes
    union all
    select * from freshness

),

measured as (

    select
        checks.*,
        previous_run.previous_as_of_date,
        case
            when checks.check_name = 'days_stale' then null
            when
                checks.previous_value > 0
                then cast(checks.changed_value as {{ type_double() }}) / checks.previous_value
        end as change_share,
        cast(case checks.check_name
            when 'days_stale' then {{ stale_threshold }}
            when 'new_member_ids' then {{ id_threshold }}
            when 'vanished_member_ids' then {{ id_threshold }}
            else {{ row_threshold }}
        end as {{ type_double() }}) as threshold
    from checks
    cross join previous_run

),

judged as (

    select
        *,
        coalesce(case
            -- An event extract with a header and no rows is valid input, and the stalest possible.
            when check_name = 'days_stale' then coalesce(changed_value > threshold, true)
            when previous_value is null then false
            when previous_value = 0 then current_value > 0
            else abs(change_share) > threshold
        end, false) as warns
    from measured

)

select
    {{ as_of_date() }} as as_of_date,
    previous_as_of_date,
    check_name,
    extract_name,
    event_month,
    previous_value,
    current_value,
    changed_value,
    change_share,
    latest_event_date,
    threshold,
    warns,
    case
        when check_name = 'days_stale' and latest_event_date is null
            then extract_name || ': no events at all (the extract has a header and no rows)'
        when check_name = 'days_stale'
            then
                extract_name || ': latest event on ' || {{ as_text('latest_event_date') }} || ', '
                || {{ as_text('abs(changed_value)') }}
                || case when changed_value < 0 then ' days after' else ' days before' end
                || ' the as-of date (threshold: more than ' || {{ as_text('cast(threshold as bigint)') }}
                || ' days before)'
        when previous_value is null
            then
                extract_name || ': ' || {{ as_text('current_value') }}
                || ' rows; no previous run in this warehouse, nothing to compare with'
        when check_name in ('new_member_ids', 'vanished_member_ids')
            then
                extract_name || ': ' || {{ as_text('changed_value') }} || ' member ids '
                || case check_name when 'new_member_ids' then 'new' else 'vanished' end
                || ' since ' || {{ as_text('previous_as_of_date') }}
                || ' (' || coalesce({{ percent_text('change_share') }}, 'n/a') || '% of '
                || {{ as_text('previous_value') }} || '; threshold ' || {{ percent_text('threshold') }} || '%)'
        else
            extract_name
            || case
                when check_name = 'month_rows'
                    then ', event month ' || substring({{ as_text('event_month') }}, 1, 7)
                else ''
            end
            || ': ' || {{ as_text('current_value') }} || ' rows against ' || {{ as_text('previous_value') }}
            || ' as of ' || {{ as_text('previous_as_of_date') }} || ' ('
            || case when change_share > 0 then '+' else '' end
            || coalesce({{ percent_text('change_share') }}, 'n/a')
            || '%; threshold ' || {{ percent_text('threshold') }} || '%)'
    end as finding
from judged

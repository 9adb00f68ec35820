"""Read what the report shows from the built warehouse, with a read-only connection (dbt is the only writer).

Only small marts, aggregates and a bounded member sample leave DuckDB, so the report's memory does not grow with
the plan: every row of the report's tables is an aggregate (a persona, an action, a migration, a fairness cell),
so no table is cut to a row limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import yaml

# The marts the report reads; the segment_report exposure (models/marts/_exposures.yml) declares the same.
REPORT_TABLES = ("segment_profiles", "segment_centroids", "member_outreach", "member_features", "segmentation_run")
# Marts the report shows when the warehouse has them (migrations and drift since the previous run, the refresh
# verdict, the fairness review; the outreach lift, whose rows are keyed by cohort, all of them): all their rows of
# the report's as-of date.
OPTIONAL_TABLES = ("segment_migrations", "segment_drift", "refresh_verdicts", "segment_fairness", "outreach_lift")
# The dbt vars holding the limits the report draws (dbt_project.yml documents each).
THRESHOLD_VARS = (
    "drift_max_persona_change_share",
    "drift_max_centroid_shift",
    "drift_max_member_share_change",
    "persona_match_max_distance",
    "fairness_ratio_min",
    "fairness_ratio_max",
)
# The warnings, failures and errors of the last builds, from the results history the on-run-end hook keeps
# (macros/build_results_history.sql).
LAST_BUILDS = 5
BUILD_WARNINGS_SQL = f"""
with

last_builds as (

    select invocation_id, min(run_started_at) as run_started_at
    from build_results_history
    group by invocation_id
    order by run_started_at desc
    limit {LAST_BUILDS}

)

select
    last_builds.run_started_at,
    build_results_history.as_of_date,
    build_results_history.node_name,
    build_results_history.status,
    build_results_history.failures,
    build_results_history.message
from build_results_history
inner join last_builds on build_results_history.invocation_id = last_builds.invocation_id
where build_results_history.status in ('warn', 'fail', 'error')
order by last_builds.run_started_at desc, build_results_history.node_name
"""

MEMBER_SAMPLE_SQL = """
select
    member_features.*,
    member_outreach.segment_id,
    member_outreach.persona
from member_features
inner join member_outreach
    on
        member_features.member_id = member_outreach.member_id
        and member_features.as_of_date = member_outreach.as_of_date
where member_features.as_of_date = $as_of_date
order by hash(member_features.member_id), member_features.member_id
limit $sample_size
"""

# Who gets which action on which channel (null action and channel: the segment waits for review).
ACTION_CHANNEL_SQL = """
select recommended_action, outreach_channel, count(*) as members
from member_outreach
where as_of_date = $as_of_date
group by all
order by members desc, recommended_action, outreach_channel
"""

# Members waiting for a person: whole segments in review (with the segment's reason) and, in the segments that
# passed review, the least typical members flagged one by one.
REVIEW_QUEUE_SQL = """
select
    case when review_reason is not null then 'segment' else 'member' end as review_level,
    coalesce(review_reason, 'low confidence: least typical of their segment') as reason,
    case when review_reason is not null then matched_persona else persona end as persona,
    count(*) as members
from member_outreach
where as_of_date = $as_of_date and (review_reason is not null or flagged_for_review)
group by all
order by review_level desc, members desc, persona
"""


@dataclass(frozen=True)
class ReportData:
    """The last build's marts: the small ones whole, a sample of the member-level ones, member_outreach as
    counts; an optional table is None when the warehouse does not have it; thresholds holds the dbt vars the
    charts draw as limits (those found in dbt_project.yml)."""

    runs: pd.DataFrame
    profiles: pd.DataFrame
    centroids: pd.DataFrame
    member_sample: pd.DataFrame
    optional_tables: dict[str, pd.DataFrame | None]
    action_channels: pd.DataFrame = field(default_factory=pd.DataFrame)
    review_queue: pd.DataFrame = field(default_factory=pd.DataFrame)
    thresholds: dict[str, float] = field(default_factory=dict)
    build_warnings: pd.DataFrame | None = None  # None: the warehouse keeps no results history


def read_thresholds(project_file: Path) -> dict[str, float]:
    """The report's limits (THRESHOLD_VARS) from the dbt project's vars; empty when the file is absent."""
    if not project_file.exists():
        return {}
    project_vars = (yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}).get("vars") or {}
    return {name: float(project_vars[name]) for name in THRESHOLD_VARS if name in project_vars}


def read_report_data(database: Path, sample_size: int, project_file: Path = Path("dbt_project.yml")) -> ReportData:
    """The report's inputs for the as-of date of the warehouse's last build (segmentation_run; the history may
    hold later dates when an earlier one was re-built last).

    The member sample (features, segment and persona) is the sample_size members with the smallest hash of
    member_id: unrelated to any feature, and stable, so the same warehouse always gives the same report.
    """
    with duckdb.connect(str(database), read_only=True) as connection:
        as_of_date = {"as_of_date": connection.execute("select as_of_date from segmentation_run").fetchone()[0]}
        columns = connection.execute("select table_name, column_name from information_schema.columns").fetchall()
        dated = {table for table, column in columns if column == "as_of_date"}
        existing = {table for table, _ in columns}
        return ReportData(
            runs=connection.execute("select * from segmentation_run").df(),
            profiles=connection.execute(
                "select * from segment_profiles where as_of_date = $as_of_date order by segment_id", as_of_date
            ).df(),
            centroids=connection.execute(
                "select * from segment_centroids where as_of_date = $as_of_date order by segment_id, feature_position",
                as_of_date,
            ).df(),
            member_sample=connection.execute(MEMBER_SAMPLE_SQL, {**as_of_date, "sample_size": sample_size}).df(),
            optional_tables={
                name: _optional_rows(connection, name, name in dated, as_of_date) if name in existing else None
                for name in OPTIONAL_TABLES
            },
            action_channels=connection.execute(ACTION_CHANNEL_SQL, as_of_date).df(),
            review_queue=connection.execute(REVIEW_QUEUE_SQL, as_of_date).df(),
            thresholds=read_thresholds(project_file),
            build_warnings=connection.execute(BUILD_WARNINGS_SQL).df() if "build_results_history" in existing else None,
        )


def _optional_rows(
    connection: duckdb.DuckDBPyConnection, table: str, dated: bool, as_of_date: dict[str, object]
) -> pd.DataFrame:
    """All the table's rows of the report's as-of date (all rows of an undated table), in a stable order."""
    where = "where as_of_date = $as_of_date" if dated else ""
    return connection.execute(f"select * from {table} {where} order by all", as_of_date if dated else {}).df()

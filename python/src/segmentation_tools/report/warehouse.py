"""Read what the report shows from the built warehouse, with a read-only connection (dbt is the only writer).

Only small marts, a bounded member sample and the first rows of optional tables leave DuckDB, so the report's
memory does not grow with the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

# The marts the report reads; the segment_report exposure (models/marts/_exposures.yml) declares the same.
REPORT_TABLES = ("segment_profiles", "segment_centroids", "member_outreach", "member_features", "segmentation_run")
# Marts the report shows when the warehouse has them (migrations and drift since the previous run, the fairness
# review): their rows of the report's as-of date, at most this many.
OPTIONAL_TABLES = ("segment_migrations", "segment_drift", "segment_fairness")
OPTIONAL_TABLE_ROW_LIMIT = 200
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


@dataclass(frozen=True)
class ReportData:
    """The last build's marts: the small ones whole, a sample of the member-level ones; an optional table is
    None when the warehouse does not have it."""

    runs: pd.DataFrame
    profiles: pd.DataFrame
    centroids: pd.DataFrame
    member_sample: pd.DataFrame
    optional_tables: dict[str, pd.DataFrame | None]
    build_warnings: pd.DataFrame | None = None  # None: the warehouse keeps no results history


def read_report_data(database: Path, sample_size: int) -> ReportData:
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
            build_warnings=connection.execute(BUILD_WARNINGS_SQL).df() if "build_results_history" in existing else None,
        )


def _optional_rows(
    connection: duckdb.DuckDBPyConnection, table: str, dated: bool, as_of_date: dict[str, object]
) -> pd.DataFrame:
    """The table's rows of the report's as-of date (all rows of an undated table), in a stable order."""
    where = "where as_of_date = $as_of_date" if dated else ""
    sql = f"select * from {table} {where} order by all limit {OPTIONAL_TABLE_ROW_LIMIT}"
    return connection.execute(sql, as_of_date if dated else {}).df()

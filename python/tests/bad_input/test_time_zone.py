"""The marts do not depend on the machine's time zone: Parquet extracts whose timestamps are stored with a time
zone (timestamptz) give identical marts when dbt runs under TZ=UTC and under TZ=Pacific/Kiritimati (UTC+14), and
their dates are those of the plan's time zone (var plan_time_zone, default UTC)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS

from tests.bad_input.support import Extracts
from tests.support import AS_OF, query, run_build

pytestmark = pytest.mark.end_to_end

# Logins in the last half hour of the as-of date in UTC: inside the window in UTC, on the next day (outside it)
# in UTC+14.
LATE_LOGINS = 3
LATE_LOGIN_AT = datetime.combine(AS_OF, datetime.min.time()) + timedelta(hours=23, minutes=30)


def write_with_time_zone(extracts: Extracts, out: Path) -> Path:
    """Parquet in the contract's types, every timestamp stored as an instant in UTC (timestamptz)."""
    out.mkdir(parents=True)
    for table, frame in extracts.items():
        schema = pa.schema(
            [
                pa.field(field.name, pa.timestamp("us", tz="UTC") if pa.types.is_timestamp(field.type) else field.type)
                for field in EXTRACT_SCHEMAS[table]
            ]
        )
        columns = {
            name: pd.to_datetime(frame[name]).dt.tz_localize("UTC")
            if pa.types.is_timestamp(schema.field(name).type)
            else frame[name]
            for name in frame.columns
        }
        pq.write_table(
            pa.Table.from_pandas(pd.DataFrame(columns), schema=schema, preserve_index=False), out / f"{table}.parquet"
        )
    return out


def marts(workdir: Path) -> dict[str, pd.DataFrame]:
    """Every table of the marts schema, rows in a stable order, without the build's own clock (recorded_at) and
    its own log (build_results_history: invocation ids and timings)."""
    columns = query(
        workdir,
        "select table_name, list(column_name order by ordinal_position) as names from information_schema.columns "
        "where table_schema = 'main' and column_name <> 'recorded_at' and table_name <> 'build_results_history' "
        "group by table_name order by table_name",
    )
    result = {}
    for table, names in zip(columns["table_name"], columns["names"], strict=True):
        frame = query(workdir, f"select {', '.join(names)} from {table}")
        result[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return result


@pytest.fixture(scope="module")
def late_member(cast) -> str:
    return cast[0]


@pytest.fixture(scope="module")
def raw(clean, late_member, tmp_path_factory) -> Path:
    logins = pd.DataFrame({"member_id": late_member, "login_at": [LATE_LOGIN_AT] * LATE_LOGINS, "channel": "web"})
    extracts = {**clean, "portal_logins": pd.concat([clean["portal_logins"], logins], ignore_index=True)}
    return write_with_time_zone(extracts, tmp_path_factory.mktemp("timestamptz") / "raw")


def logins_of(workdir: Path, member: str) -> int:
    return int(query(workdir, f"select portal_logins from member_features where member_id = '{member}'").iloc[0, 0])


def built(workdir: Path, raw: Path, machine_zone: str, dbt_vars: dict | None = None) -> Path:
    result = run_build(workdir, raw, dbt_vars, env={"TZ": machine_zone})
    assert result.returncode == 0, result.output[-4000:]
    return workdir


@pytest.fixture(scope="module")
def utc_build(raw, tmp_path_factory) -> Path:
    """The plan built on a machine in UTC, with the default plan_time_zone (UTC)."""
    return built(tmp_path_factory.mktemp("utc_machine"), raw, "UTC")


def logins_in_window(raw: Path, member: str, zone: str) -> int:
    """The member's logins whose date in ``zone`` lies in the 12 months ending on the as-of date (pandas)."""
    logins = pq.read_table(raw / "portal_logins.parquet").to_pandas()
    days = logins["login_at"].dt.tz_convert(zone).dt.date
    window_start = (pd.Timestamp(AS_OF) - pd.DateOffset(months=12)).date()
    return int(((logins["member_id"] == member) & (days > window_start) & (days <= AS_OF)).sum())


def test_marts_are_identical_whatever_the_machines_time_zone(utc_build, raw, late_member, tmp_path):
    kiritimati_machine = built(tmp_path, raw, "Pacific/Kiritimati")

    utc, kiritimati = marts(utc_build), marts(kiritimati_machine)
    assert utc.keys() == kiritimati.keys()
    for table in utc:
        pd.testing.assert_frame_equal(utc[table], kiritimati[table], obj=table)
    assert logins_of(utc_build, late_member) == logins_in_window(raw, late_member, "UTC")


def test_dates_are_taken_in_the_plans_time_zone(raw, late_member, tmp_path):
    """The same instants in a plan whose zone is UTC+14: the late logins fall on the day after the as-of date."""
    kiritimati_plan = built(tmp_path, raw, "UTC", {"plan_time_zone": "Pacific/Kiritimati"})

    expected = logins_in_window(raw, late_member, "Pacific/Kiritimati")
    assert expected != logins_in_window(raw, late_member, "UTC")  # the late logins (at least) count only in UTC
    assert logins_of(kiritimati_plan, late_member) == expected

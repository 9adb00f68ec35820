"""Monthly partitions and as-of dates, and the order months must be built in (no Dagster needed)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from pathlib import Path


def as_of_date_for(partition_key: str) -> dt.date:
    """A monthly partition (its key is the month's first day, YYYY-MM-DD) is built as of the month's last day."""
    first = dt.date.fromisoformat(partition_key)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def extracts_for(extracts_root: Path, as_of: dt.date) -> Path:
    """Each month's extracts in their own folder named by the as-of date, as `make refresh-demo` lays them out:
    <extracts_root>/2025-11-30/members.parquet, ..."""
    return Path(extracts_root) / as_of.isoformat()


def out_of_order_reason(built: Iterable[dt.date], as_of: dt.date) -> str | None:
    """Why building as_of now would break the monthly order, or None when it may be built.

    A month is compared with the latest earlier run in the warehouse (refresh, migrations, extract checks), so a
    new month comes after its predecessor: a warehouse that holds runs but not the previous month, and nothing
    later, is missing a month. Rebuilding a month already built, or one before every run held, is allowed.
    """
    built = sorted(set(built))
    if not built or as_of in built or as_of < built[0]:
        return None
    previous_month = as_of.replace(day=1) - dt.timedelta(days=1)
    if previous_month in built or any(day > as_of for day in built):
        return None
    return (
        f"the warehouse's latest run is as of {built[-1]}, and the month before {as_of} ({previous_month}) is not "
        f"built: materialize the monthly partitions in order, {previous_month.replace(day=1)} first"
    )

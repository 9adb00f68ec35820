"""Time for the demo plan: the as-of dates' windows and spans in epoch days, calendar arithmetic on arrays of
days, and times of day (in microseconds) drawn from daily profiles."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR
NO_DAY = np.iinfo(np.int32).max  # an open coverage_end, or an enrollment slot the member does not have
BEFORE_EVERYTHING = np.iinfo(np.int32).min  # first day of a behaviour that was always there
WINDOW_EDGE_PIN_SHARE = 0.1


@dataclass(frozen=True)
class Timeline:
    """The as-of date, the 12-month lookback window and the wider span events are drawn from, in epoch days.

    With several snapshots, as_of and window_start are the last snapshot's (enrollments are laid out around
    it), the span covers every snapshot's span, and each snapshot's own dates are in snapshots.
    """

    as_of: int
    window_start: int  # exclusive: the window is (window_start, as_of]
    span_start: int
    span_end: int  # inclusive
    year: int
    snapshots: tuple[Snapshot, ...] = ()

    @property
    def as_of_date(self) -> dt.date:
        return dt.date(1970, 1, 1) + dt.timedelta(days=self.as_of)

    @property
    def window_days(self) -> int:
        return self.as_of - self.window_start

    @property
    def span_days(self) -> int:
        return self.span_end - self.span_start + 1

    @property
    def span_to_window(self) -> float:
        return self.span_days / self.window_days


@dataclass(frozen=True)
class Snapshot:
    """One as-of date's extract: its lookback window start and the span of events it holds, in epoch days."""

    as_of: int
    window_start: int
    span_start: int
    span_end: int


def shift_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic that clamps to the month's last day (Mar 31 - 1 month = Feb 28/29)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


def epoch_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _snapshot(as_of_date: dt.date) -> Snapshot:
    """Events span ~15 months before to ~1 month after the as-of date, wider than the 12-month window."""
    return Snapshot(
        as_of=epoch_day(as_of_date),
        window_start=epoch_day(shift_months(as_of_date, -12)),
        span_start=epoch_day(shift_months(as_of_date, -15)) + 1,
        span_end=epoch_day(shift_months(as_of_date, 1)),
    )


def build_timeline(as_of_dates: list[dt.date]) -> Timeline:
    """The last as-of date's timeline, its span widened to hold every snapshot's (one history for all)."""
    snapshots = tuple(_snapshot(as_of_date) for as_of_date in as_of_dates)
    return Timeline(
        as_of=snapshots[-1].as_of,
        window_start=snapshots[-1].window_start,
        span_start=snapshots[0].span_start,
        span_end=snapshots[-1].span_end,
        year=as_of_dates[-1].year,
        snapshots=snapshots,
    )


def month_start(days: np.ndarray | int, months_later: np.ndarray | int = 0) -> np.ndarray:
    """First day of the month `months_later` months after the month holding each day (epoch days)."""
    months = np.asarray(days).astype("datetime64[D]").astype("datetime64[M]") + months_later
    return months.astype("datetime64[D]").astype(np.int64)


def year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def dates_in_years(years: np.ndarray, month: int, day: int) -> np.ndarray:
    """The given month/day in each year, clamped to the month's end so Feb 29 becomes Feb 28 in common years."""
    month_starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    first = month_starts.astype("datetime64[D]").astype(np.int64)
    last = (month_starts + 1).astype("datetime64[D]").astype(np.int64) - 1
    return np.minimum(first + day - 1, last)


def is_leap(years: np.ndarray) -> np.ndarray:
    return (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))


def weekday_of(days: np.ndarray) -> np.ndarray:
    """Monday = 0; 1970-01-01 was a Thursday."""
    return (days + 3) % 7


def times_of_day(rng: np.random.Generator, hour_weights: tuple[float, ...], size: int) -> np.ndarray:
    """Microseconds since midnight, with the hour drawn from a realistic daily profile."""
    weights = np.asarray(hour_weights, dtype=float)
    hours = rng.choice(24, size=size, p=weights / weights.sum())
    return hours * US_PER_HOUR + rng.integers(0, US_PER_HOUR, size=size)


def pin_times_at_window_edges(rng: np.random.Generator, at_us: np.ndarray, timeline: Timeline) -> np.ndarray:
    """Put some events at the first or last microsecond of each window boundary day (of every snapshot).

    The pipeline counts timestamps by date, so 23:59:59.999999 on the as-of date is in and 00:00 the day
    after is out; these make an off-by-one filter visible.
    """
    day = at_us // US_PER_DAY
    pinned = rng.random(at_us.size) < WINDOW_EDGE_PIN_SHARE
    edges = np.array([[snapshot.as_of, snapshot.window_start] for snapshot in timeline.snapshots]).ravel()
    last_instant = pinned & np.isin(day, edges)
    first_instant = pinned & np.isin(day, edges + 1)
    at_us = at_us.copy()
    at_us[last_instant] = (day[last_instant] + 1) * US_PER_DAY - 1
    at_us[first_instant] = day[first_instant] * US_PER_DAY
    return at_us

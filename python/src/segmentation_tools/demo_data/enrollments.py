"""The enrollments extract: up to three coverage spans per member (prior year, a superseded span left open by a
switch, the current one), laid out by enrollment scenario, and the coverage the events must respect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS
from segmentation_tools.demo_data.draws import choose, choose_per_row, format_ids
from segmentation_tools.demo_data.members import Population
from segmentation_tools.demo_data.plans import (
    PlanLineup,
    band_weights,
    eligible_bands,
    next_plan_of_band,
    plan_rows,
    premium_split,
)
from segmentation_tools.demo_data.timeline import NO_DAY, Timeline, epoch_day, month_start, year_of

# How members come to be (or not be) covered on the as-of date.
ENROLLMENT_SCENARIOS = {
    "renewing": 0.545,  # last plan year's coverage, then this year's from January 1
    "new": 0.332,  # this year's coverage from January 1 only
    "mid_year": 0.022,  # special enrollment period, started after January
    "overlapping_switch": 0.006,  # an older enrollment never closed when a later one started
    "lapsed_this_year": 0.05,  # terminated before the as-of date, e.g. for non-payment
    "lapsed_last_year": 0.03,  # did not renew
    "future_only": 0.015,  # enrolled for coverage that starts after the as-of date
}
OPEN_ENDED_SHARE = 0.7
PRIOR_MID_YEAR_SHARE = 0.15
LAPSED_WITH_PRIOR_SHARE = 0.4
SAME_BAND_AT_RENEWAL = 0.75

PRIOR, SUPERSEDED, CURRENT = 0, 1, 2  # enrollment slots per member

# Monthly snapshots. Each month, this share of the members enrol (coverage from the day after the previous
# as-of date, a special enrollment) and this share leave (coverage ends on the previous as-of date), on top
# of the lapses and mid-year starts the enrollment scenarios already hold.
MONTHLY_ENTRY_SHARE = 0.01
MONTHLY_EXIT_SHARE = 0.01


@dataclass(frozen=True)
class Coverage:
    """Up to three enrollments per member as (start, end) epoch days; NO_DAY marks open ends and empty slots."""

    starts: np.ndarray  # (3, n_members)
    ends: np.ndarray  # (3, n_members)
    deductible: np.ndarray  # deductible of the member's latest enrollment, for realistic paid amounts

    def covers(self, member_idx: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Claims, logins and emails only happen while a member is covered; arguments broadcast."""
        covered = np.zeros(np.broadcast_shapes(member_idx.shape, day.shape), dtype=bool)
        for slot in range(self.starts.shape[0]):
            covered |= (self.starts[slot, member_idx] <= day) & (day <= self.ends[slot, member_idx])
        return covered


def _monthly_turnover(rng: np.random.Generator, starts: np.ndarray, ends: np.ndarray, timeline: Timeline) -> None:
    """Between each two consecutive snapshots, MONTHLY_ENTRY_SHARE of the members enrol and MONTHLY_EXIT_SHARE
    leave (in place on the enrollment slots).

    Entrants are members whose only enrollment started on January 1; theirs now starts the day after the
    earlier as-of date. Leavers are members covered by one enrollment through every snapshot; theirs now ends
    on the earlier as-of date.
    """
    n = starts.shape[1]
    year_start = epoch_day(dt.date(timeline.year, 1, 1))
    single = starts[SUPERSEDED] == NO_DAY
    throughout = (
        single & (starts[CURRENT] <= timeline.snapshots[0].as_of) & (ends[CURRENT] >= timeline.snapshots[-1].as_of)
    )
    entrants = throughout & (starts[PRIOR] == NO_DAY) & (starts[CURRENT] == year_start)
    for earlier in timeline.snapshots[:-1]:
        if earlier.as_of + 1 > year_start:
            enter = entrants & (rng.random(n) < min(1.0, MONTHLY_ENTRY_SHARE * n / max(int(entrants.sum()), 1)))
            starts[CURRENT, enter] = earlier.as_of + 1
            entrants &= ~enter
            throughout &= ~enter
        leave = throughout & (rng.random(n) < min(1.0, MONTHLY_EXIT_SHARE * n / max(int(throughout.sum()), 1)))
        ends[CURRENT, leave] = earlier.as_of
        throughout &= ~leave
        entrants &= ~leave


def _enrollment_slots(rng: np.random.Generator, n: int, timeline: Timeline) -> tuple[np.ndarray, np.ndarray]:
    """Coverage (start, end) per member for the prior, superseded and current slots.

    The current enrollment carries the persona's plan and premium. It is active on the as-of date in the
    renewing, new, mid-year and switching scenarios and not in the others. A superseded enrollment is an
    older one left open when the member switched plans, so two are active at once and the later
    coverage_start must win.
    """
    year_start = epoch_day(dt.date(timeline.year, 1, 1))
    year_end = epoch_day(dt.date(timeline.year, 12, 31))
    prior_start = epoch_day(dt.date(timeline.year - 1, 1, 1))
    as_of_month = month_start(timeline.as_of)
    scenario = np.asarray(tuple(ENROLLMENT_SCENARIOS))[choose(rng, ENROLLMENT_SCENARIOS, n)]
    open_ended = rng.random(n) < OPEN_ENDED_SHARE
    months_back = rng.integers(1, 11, size=n)
    starts = np.full((3, n), NO_DAY, dtype=np.int64)
    ends = np.full((3, n), NO_DAY, dtype=np.int64)

    starts[CURRENT] = year_start
    ends[CURRENT] = np.where(open_ended, NO_DAY, year_end)

    late_start = month_start(as_of_month, -months_back)
    joined_late = np.isin(scenario, ("mid_year", "overlapping_switch"))
    starts[CURRENT, joined_late] = late_start[joined_late]

    switch = scenario == "overlapping_switch"
    ends[CURRENT, switch] = NO_DAY
    starts[SUPERSEDED, switch] = month_start(late_start[switch], -rng.integers(2, 9, size=int(switch.sum())))
    ends[SUPERSEDED, switch] = np.where(open_ended[switch], NO_DAY, year_end)

    lapsed = scenario == "lapsed_this_year"
    lapse_end = month_start(as_of_month, 1 - months_back[lapsed]) - 1
    starts[CURRENT, lapsed] = np.minimum(year_start, month_start(lapse_end))
    ends[CURRENT, lapsed] = lapse_end

    last_year_only = scenario == "lapsed_last_year"
    starts[CURRENT, last_year_only] = prior_start
    ends[CURRENT, last_year_only] = year_start - 1

    future = scenario == "future_only"
    starts[CURRENT, future] = month_start(as_of_month, 1)
    ends[CURRENT, future] = NO_DAY

    lapsed_with_prior = lapsed & (starts[CURRENT] == year_start)
    lapsed_with_prior &= rng.random(n) < LAPSED_WITH_PRIOR_SHARE
    has_prior = (scenario == "renewing") | lapsed_with_prior
    prior_late_start = month_start(prior_start, rng.integers(1, 10, size=n))
    prior_joined_late = rng.random(n) < PRIOR_MID_YEAR_SHARE
    starts[PRIOR, has_prior] = np.where(prior_joined_late, prior_late_start, prior_start)[has_prior]
    ends[PRIOR, has_prior] = year_start - 1
    return starts, ends


def draw_enrollments(
    rng: np.random.Generator,
    population: Population,
    lineup: PlanLineup,
    timeline: Timeline,
    first_id: int,
    *,
    turnover_rng: np.random.Generator | None = None,
) -> tuple[pa.Table, Coverage]:
    """Enrollment rows for every member's slots, and the coverage intervals events must respect.

    Rows are ordered by coverage_start so enrollment ids grow over time within a chunk, as a source system's would.
    With several snapshots, turnover_rng moves some coverage starts and ends between them (_monthly_turnover).
    """
    n = population.persona.size
    starts, ends = _enrollment_slots(rng, n, timeline)
    if turnover_rng is not None:
        _monthly_turnover(turnover_rng, starts, ends, timeline)
    weights = band_weights(population.persona)
    current_band = choose_per_row(rng, weights)
    weights[np.arange(n), current_band] = 0.0  # a switch or a renewal change moves to another band
    other_band = choose_per_row(rng, weights)
    bands = np.empty((3, n), dtype=np.int64)
    bands[PRIOR] = np.where(rng.random(n) < SAME_BAND_AT_RENEWAL, current_band, other_band)
    bands[SUPERSEDED] = other_band
    bands[CURRENT] = current_band
    bands = eligible_bands(bands, population.age)

    present = starts != NO_DAY
    slot, member_idx = np.nonzero(present)
    start, end, band = starts[present], ends[present], bands[present]
    plan_year_index = np.clip(year_of(start) - (timeline.year - 1), 0, 1)
    plan_row = plan_rows(rng, band, plan_year_index)
    current_plan = np.empty(n, dtype=np.int64)
    current_plan[member_idx[slot == CURRENT]] = plan_row[slot == CURRENT]
    # A switch moves to another plan; the catastrophic-to-bronze substitution can land it on the current one.
    same_plan = (slot == SUPERSEDED) & (plan_row == current_plan[member_idx])
    plan_row[same_plan] = next_plan_of_band(plan_row[same_plan], band[same_plan])
    premium, aptc = premium_split(
        rng, population.persona[member_idx], population.age[member_idx], band, lineup.rates[plan_row]
    )

    order = np.lexsort((slot, member_idx, start))
    table = pa.Table.from_arrays(
        [
            format_ids("E", np.arange(first_id, first_id + order.size), 9),
            population.member_ids.take(pa.array(member_idx[order])),
            lineup.table.column("plan_id").combine_chunks().take(pa.array(plan_row[order])),
            pa.array(start[order].astype(np.int32), type=pa.date32()),
            pa.array(end[order].astype(np.int32), type=pa.date32(), mask=end[order] == NO_DAY),
            pa.array(premium[order]),
            pa.array(aptc[order]),
        ],
        schema=EXTRACT_SCHEMAS["enrollments"],
    )
    deductible = lineup.table.column("deductible").to_numpy()[current_plan]
    return table, Coverage(starts=starts, ends=ends, deductible=deductible)

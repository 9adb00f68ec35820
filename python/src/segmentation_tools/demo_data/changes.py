"""Behaviour that changes between monthly snapshots: members who take on another persona's activity from a day
between two as-of dates, and the optional shifted population of the last snapshot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from segmentation_tools.demo_data.draws import choose_per_row
from segmentation_tools.demo_data.enrollments import Coverage
from segmentation_tools.demo_data.members import Population, draw_activity_rates
from segmentation_tools.demo_data.personas import PERSONAS, persona_values
from segmentation_tools.demo_data.timeline import BEFORE_EVERYTHING, NO_DAY, Timeline

# A member whose behaviour truly changes takes on another persona's activity, with these odds: Digital
# Learners mostly start using the portal and email (Highly Engaged Users) or become high utilizers (Care
# Management Members); Care Management Members recover; the others become high utilizers or engage more.
BEHAVIOUR_CHANGES = {
    "Digital Learners": {"Highly Engaged Users": 0.7, "Care Management Members": 0.3},
    "Highly Engaged Users": {"Care Management Members": 0.6, "Digital Learners": 0.2, "Cost Sensitive Members": 0.2},
    "Care Management Members": {"Highly Engaged Users": 1.0},
    "Cost Sensitive Members": {"Care Management Members": 0.5, "Highly Engaged Users": 0.5},
}
# A change starts with a burst: for its first ONSET_DAYS the new activity runs at ONSET_RATE_FACTOR times the
# new persona's rate (a new diagnosis brings a work-up of claims, calls and logins; a new portal user
# explores it), then settles at the persona's rate.
ONSET_DAYS = 60
ONSET_RATE_FACTOR = 6.0


@dataclass(frozen=True)
class BehaviourChanges:
    """Members (positions in the chunk) whose behaviour changes between two snapshots: from which day, to
    which persona's activity, and their new activity rates."""

    members: np.ndarray
    day: np.ndarray
    persona: np.ndarray
    activity_rates: np.ndarray


@dataclass(frozen=True)
class PopulationShift:
    """The last snapshot's shifted members (a mask over the chunk) and the persona whose activity they show."""

    mask: np.ndarray
    persona: np.ndarray
    activity_rates: np.ndarray


def _change_weights() -> np.ndarray:
    """BEHAVIOUR_CHANGES as a (from persona, to persona) matrix in PERSONAS order."""
    names = [p.name for p in PERSONAS]
    return np.array([[BEHAVIOUR_CHANGES[p.name].get(to, 0.0) for to in names] for p in PERSONAS])


def behaviour_changes(
    rng: np.random.Generator, population: Population, timeline: Timeline, change_share: float
) -> BehaviourChanges:
    """Between each two consecutive snapshots, change_share of the members who have not changed yet take on
    another persona's activity (BEHAVIOUR_CHANGES) from a day after the earlier as-of date."""
    n = population.persona.size
    drawn = rng.random((len(timeline.snapshots) - 1, n)) < change_share
    members = np.flatnonzero(drawn.any(axis=0))
    interval = drawn[:, members].argmax(axis=0)
    as_ofs = np.array([snapshot.as_of for snapshot in timeline.snapshots])
    day = as_ofs[interval] + 1 + rng.integers(0, as_ofs[interval + 1] - as_ofs[interval])
    persona = choose_per_row(rng, _change_weights()[population.persona[members]]).astype(np.int8)
    return BehaviourChanges(members=members, day=day, persona=persona, activity_rates=draw_activity_rates(rng, persona))


def population_shift(
    rng: np.random.Generator, population: Population, shift_share: float, changes: BehaviourChanges | None
) -> PopulationShift:
    """shift_share of the members who did not change behaviour, each given another persona (drawn by the
    personas' shares) whose activity fills their whole lookback window in the last snapshot."""
    n = population.persona.size
    mask = rng.random(n) < shift_share
    if changes is not None:
        mask[changes.members] = False
    weights = np.tile(persona_values("share"), (int(mask.sum()), 1))
    weights[np.arange(weights.shape[0]), population.persona[mask]] = 0.0
    persona = choose_per_row(rng, weights).astype(np.int8)
    return PopulationShift(mask=mask, persona=persona, activity_rates=draw_activity_rates(rng, persona))


def event_behaviours(
    population: Population, coverage: Coverage, changes: BehaviourChanges | None
) -> tuple[Population, Coverage]:
    """What the event tables draw from: each member's behaviour, ended the day before a change, then the new
    behaviour from that day on (its onset burst, then its usual rates). Events of a behaviour fall within its
    days (and, but for calls, in coverage)."""
    if changes is None or changes.members.size == 0:
        return population, coverage
    n = population.persona.size
    member = np.concatenate([np.arange(n), changes.members, changes.members])
    onset_end = changes.day + ONSET_DAYS - 1
    first_day = np.concatenate([np.full(n, BEFORE_EVERYTHING, dtype=np.int64), changes.day, onset_end + 1])
    last_day = np.concatenate([np.full(n, NO_DAY, dtype=np.int64), onset_end, np.full(onset_end.size, NO_DAY)])
    last_day[changes.members] = changes.day - 1
    behaviours = Population(
        member_ids=population.member_ids.take(pa.array(member)),
        persona=np.concatenate([population.persona, changes.persona, changes.persona]),
        age=population.age[member],
        activity_rates=np.vstack(
            [population.activity_rates, changes.activity_rates * ONSET_RATE_FACTOR, changes.activity_rates]
        ),
        first_day=first_day,
        last_day=last_day,
    )
    return behaviours, _coverage_within(coverage, member, first_day, last_day)


def shifted_behaviours(
    population: Population, coverage: Coverage, shift: PopulationShift
) -> tuple[Population, Coverage]:
    """The shifted members' other persona's behaviour, over the whole span."""
    member = np.flatnonzero(shift.mask)
    behaviours = Population(
        member_ids=population.member_ids.take(pa.array(member)),
        persona=shift.persona,
        age=population.age[member],
        activity_rates=shift.activity_rates,
    )
    everything = np.full(member.size, BEFORE_EVERYTHING, dtype=np.int64)
    return behaviours, _coverage_within(coverage, member, everything, np.full(member.size, NO_DAY, dtype=np.int64))


def _coverage_within(coverage: Coverage, member: np.ndarray, first_day: np.ndarray, last_day: np.ndarray) -> Coverage:
    """The coverage of each behaviour's member, cut to the behaviour's days (an empty slot stays empty)."""
    return Coverage(
        starts=np.maximum(coverage.starts[:, member], first_day),
        ends=np.minimum(coverage.ends[:, member], last_day),
        deductible=coverage.deductible[member],
    )

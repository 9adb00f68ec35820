"""The outreach effect the monthly snapshots plant, so that outreach_lift has a known answer to recover.

A member in the outreach group on one as-of date (the holdout function of the warehouse, with the project's
default salt and share: member_segmentation.holdout) whose persona then has an entry in OUTREACH_EFFECTS does
the action's outcome more often before the next as-of date: the chance of at least one portal login in
(T_k, T_k+1] rises by the effect, in expectation, against the same member held out. The other personas' actions
have no effect at all. Only later snapshots hold the added rows, so the first snapshot (and a single set of
extracts) is the same with or without them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from member_segmentation.holdout import HoldoutSettings, is_held_out, project_holdout_settings

from segmentation_tools.demo_data.changes import BehaviourChanges
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS
from segmentation_tools.demo_data.draws import labels
from segmentation_tools.demo_data.events import LOGIN_HOUR_WEIGHTS_WEB
from segmentation_tools.demo_data.members import Population
from segmentation_tools.demo_data.personas import ACTIVITIES, PERSONAS
from segmentation_tools.demo_data.timeline import US_PER_DAY, Timeline, times_of_day

# Persona -> rise in P(any portal login before the next as-of date) for its outreach group (intent to treat).
# Digital Learners are sent portal tutorials (seed outreach_actions, outcome_metric portal_login).
OUTREACH_EFFECTS = {"Digital Learners": 0.10}


def persona_on(population: Population, changes: BehaviourChanges | None, day: int) -> tuple[np.ndarray, np.ndarray]:
    """Each member's persona and yearly login rate on a day (after any behaviour change by then)."""
    persona = population.persona.copy()
    rate = population.rates("portal_logins").copy()
    if changes is not None:
        changed = changes.day <= day
        persona[changes.members[changed]] = changes.persona[changed]
        rate[changes.members[changed]] = changes.activity_rates[changed, ACTIVITIES.index("portal_logins")]
    return persona, rate


def planted_logins(
    rng: np.random.Generator,
    population: Population,
    changes: BehaviourChanges | None,
    timeline: Timeline,
    holdout: HoldoutSettings | None = None,
) -> pa.Table:
    """Extra portal logins of the treated members between each two snapshots.

    Natural logins in a window of d days are Poisson with mean rate * d / window days, so a member has none with
    probability p0 = exp(-mean); adding one login with probability effect / p0 raises P(any) by the effect.
    """
    holdout = holdout or project_holdout_settings()
    member_ids = population.member_ids.to_pylist()
    effect_by_persona = np.array([OUTREACH_EFFECTS.get(p.name, 0.0) for p in PERSONAS])
    members, days = [], []
    for earlier, later in zip(timeline.snapshots, timeline.snapshots[1:], strict=False):
        as_of_date = dt.date(1970, 1, 1) + dt.timedelta(days=earlier.as_of)
        persona, rate = persona_on(population, changes, earlier.as_of)
        effect = effect_by_persona[persona] * ~is_held_out(member_ids, as_of_date, holdout)
        none_natural = np.exp(-rate * (later.as_of - earlier.as_of) / timeline.window_days)
        added = np.flatnonzero(rng.random(effect.size) < np.minimum(1.0, effect / none_natural))
        members.append(added)
        days.append(earlier.as_of + 1 + rng.integers(0, later.as_of - earlier.as_of, size=added.size))
    member_idx, day = np.concatenate(members), np.concatenate(days)
    at = day * US_PER_DAY + times_of_day(rng, LOGIN_HOUR_WEIGHTS_WEB, day.size)
    return pa.Table.from_arrays(
        [
            population.member_ids.take(pa.array(member_idx)),
            pa.array(at, type=pa.timestamp("us")),
            labels(("web", "mobile"), np.zeros(day.size, dtype=np.int8)),
        ],
        schema=EXTRACT_SCHEMAS["portal_logins"],
    )

"""The population of one chunk (each member's persona, age and activity rates) and the members extract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS
from segmentation_tools.demo_data.draws import choose, format_ids, labels
from segmentation_tools.demo_data.personas import ACTIVITIES, PERSONAS, persona_values
from segmentation_tools.demo_data.timeline import Timeline, dates_in_years, is_leap

# A multi-state plan: mostly TX/FL/GA/NC. Counties are real and listed most populous first.
STATE_SHARES = {
    "TX": 0.36,
    "FL": 0.30,
    "GA": 0.13,
    "NC": 0.11,
    "SC": 0.03,
    "AL": 0.025,
    "TN": 0.025,
    "VA": 0.02,
}
STATE_COUNTIES = {
    "TX": ("48201", "48113", "48439", "48029", "48453", "48085", "48121", "48215", "48141", "48157"),
    "FL": ("12086", "12011", "12099", "12057", "12095", "12031", "12103", "12071", "12105", "12009"),
    "GA": ("13121", "13135", "13067", "13089", "13063", "13051", "13151", "13117"),
    "NC": ("37119", "37183", "37081", "37067", "37063", "37051", "37021"),
    "SC": ("45045", "45079", "45019"),
    "AL": ("01073", "01089", "01097"),
    "TN": ("47157", "47037", "47093"),
    "VA": ("51059", "51153", "51810"),
}
LANGUAGE_SHARES = {
    "en": 0.74,
    "es": 0.19,
    "vi": 0.015,
    "zh": 0.012,
    "ht": 0.012,
    "ko": 0.008,
    "ru": 0.006,
    "ar": 0.005,
    "pt": 0.006,
    "fr": 0.006,
}
SEX_SHARES = {"F": 0.52, "M": 0.475, "U": 0.005}
EXACT_BIRTHDAY_SHARE = 0.002
LEAP_DAY_BIRTH_SHARE = 0.002

HEAVY_CLAIMANT_RATE = (60.0, 150.0)


@dataclass(frozen=True)
class Population:
    """One chunk's member-level draws every table depends on; arrays are indexed by member position in the chunk.

    The event tables draw from a population of behaviours instead when members change behaviour between
    snapshots: one row per stretch of one persona's activity, active from first_day to last_day (inclusive).
    """

    member_ids: pa.Array
    persona: np.ndarray
    age: np.ndarray
    activity_rates: np.ndarray  # (n_members, len(ACTIVITIES)) expected events per 12 months
    first_day: np.ndarray | None = None  # None: every row is active over the whole span
    last_day: np.ndarray | None = None

    def rates(self, activity: str) -> np.ndarray:
        return self.activity_rates[:, ACTIVITIES.index(activity)]


def draw_population(rng: np.random.Generator, members: range) -> Population:
    """Assign personas, planted ages and per-member activity rates (gamma-mixed, hence overdispersed)."""
    shares = persona_values("share")
    persona = rng.choice(len(PERSONAS), size=len(members), p=shares / shares.sum()).astype(np.int8)
    return Population(
        member_ids=format_ids("M", np.arange(members.start + 1, members.stop + 1), 9),
        persona=persona,
        age=_draw_ages(rng, persona),
        activity_rates=draw_activity_rates(rng, persona),
    )


def _draw_ages(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    mean, sd = persona_values("age_mean")[persona], persona_values("age_sd")[persona]
    ages = np.clip(
        np.rint(rng.normal(mean, sd)),
        persona_values("age_min")[persona],
        persona_values("age_max")[persona],
    )
    senior = rng.random(persona.size) < persona_values("senior_share")[persona]
    ages[senior] = rng.integers(65, 73, size=int(senior.sum()))
    return ages.astype(np.int64)


def draw_activity_rates(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    means = np.array([p.activity_means for p in PERSONAS])[persona]
    shape = np.array([p.rate_shapes for p in PERSONAS])[persona]
    rates = means * rng.gamma(shape, 1.0 / shape, size=means.shape)
    heavy = rng.random(persona.size) < persona_values("heavy_claimant_share")[persona]
    rates[heavy, ACTIVITIES.index("claims")] = rng.uniform(*HEAVY_CLAIMANT_RATE, size=int(heavy.sum()))
    dormant = rng.random(persona.size) < persona_values("dormant_share")[persona]
    rates[dormant] = 0.0
    return rates


def _birth_dates(rng: np.random.Generator, ages: np.ndarray, as_of: dt.date) -> np.ndarray:
    """Dates of birth that make each member exactly `age` completed years old on the as-of date.

    Some members are forced onto the as-of month/day (turning a year older that very day) and some onto
    Feb 29, the two places where an age calculation usually goes wrong.
    """
    birth_years = as_of.year - ages
    latest = dates_in_years(birth_years, as_of.month, as_of.day)
    earliest_excluded = dates_in_years(birth_years - 1, as_of.month, as_of.day)
    days = latest - rng.integers(0, latest - earliest_excluded)
    exact_birthday = rng.random(ages.size) < EXACT_BIRTHDAY_SHARE
    days[exact_birthday] = latest[exact_birthday]
    leap_year = birth_years - ((as_of.month, as_of.day) < (2, 29))
    leap_day = (rng.random(ages.size) < LEAP_DAY_BIRTH_SHARE) & is_leap(leap_year)
    days[leap_day] = dates_in_years(leap_year[leap_day], 2, 29)
    return days


def _draw_counties(rng: np.random.Generator, state: np.ndarray) -> np.ndarray:
    """A county of the member's state, populous counties more likely (so FIPS prefixes match the state)."""
    county = np.empty(state.size, dtype=np.int64)
    offset = 0
    for code, counties in enumerate(STATE_COUNTIES[s] for s in STATE_SHARES):
        in_state = np.flatnonzero(state == code)
        weights = 1.0 / np.arange(1, len(counties) + 1) ** 0.8
        county[in_state] = offset + rng.choice(len(counties), size=in_state.size, p=weights / weights.sum())
        offset += len(counties)
    return county


def members_table(rng: np.random.Generator, population: Population, timeline: Timeline) -> pa.Table:
    n = population.persona.size
    state = choose(rng, STATE_SHARES, n)
    all_counties = [c for s in STATE_SHARES for c in STATE_COUNTIES[s]]
    return pa.Table.from_arrays(
        [
            population.member_ids,
            pa.array(_birth_dates(rng, population.age, timeline.as_of_date).astype(np.int32), type=pa.date32()),
            labels(tuple(SEX_SHARES), choose(rng, SEX_SHARES, n)),
            labels(tuple(STATE_SHARES), state),
            labels(all_counties, _draw_counties(rng, state)),
            labels(tuple(LANGUAGE_SHARES), choose(rng, LANGUAGE_SHARES, n)),
        ],
        schema=EXTRACT_SCHEMAS["members"],
    )

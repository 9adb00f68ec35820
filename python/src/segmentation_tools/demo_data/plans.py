"""The plan line-up (the plans extract) and premiums: metal-tier bands, deductibles, age-rated gross rates and
the net premium a member pays after the subsidy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS
from segmentation_tools.demo_data.personas import PERSONAS, persona_values


@dataclass(frozen=True)
class PlanBand:
    """A family of plans that share a metal tier and a deductible range (e.g. Silver with 94% CSR)."""

    tier: str
    code: str
    min_deductible: int
    max_deductible: int
    plans_per_year: int
    rate_factor: float  # gross premium relative to a standard Silver plan


# Catastrophic plans carry the year's out-of-pocket maximum as their deductible, as the ACA requires.
# Cost-sharing-reduction Silver variants are what give subsidised members near-zero deductibles.
PLAN_BANDS = {
    "catastrophic": PlanBand("Catastrophic", "CAT", 9200, 9450, 2, 0.62),
    "bronze": PlanBand("Bronze", "BRZ", 6000, 7500, 6, 0.78),
    "silver": PlanBand("Silver", "SLV", 2500, 4000, 4, 1.0),
    "silver_csr87": PlanBand("Silver", "SLV", 500, 1500, 3, 1.0),
    "silver_csr94": PlanBand("Silver", "SLV", 0, 250, 3, 1.0),
    "gold_low_deductible": PlanBand("Gold", "GLD", 250, 1000, 2, 1.15),
    "gold": PlanBand("Gold", "GLD", 1500, 2500, 3, 1.1),
    "platinum": PlanBand("Platinum", "PLT", 0, 500, 2, 1.35),
}
BAND_NAMES = tuple(PLAN_BANDS)
CATASTROPHIC_MAX_AGE = 30
SILVER_BASE_PREMIUM_AT_21 = 390.0
PRIOR_YEAR_RATE_FACTOR = 0.94
# Federal default age-rating curve (gross premium relative to age 21), interpolated between these knots.
AGE_CURVE_AGES = np.array([18, 20, 21, 25, 30, 35, 40, 45, 50, 55, 60, 64])
AGE_CURVE_FACTORS = np.array([0.913, 0.970, 1.0, 1.004, 1.135, 1.222, 1.278, 1.429, 1.786, 2.23, 2.714, 3.0])


@dataclass(frozen=True)
class PlanLineup:
    """The plans extract and each plan's gross-rate factor: drawn once, shared by every chunk's enrollments."""

    table: pa.Table
    rates: np.ndarray  # gross-premium factor per plans-table row


def plans_table(rng: np.random.Generator, year: int) -> pa.Table:
    """The plan line-up of the as-of year and the year before, laid out year -> band -> plan."""
    plan_ids, plan_years, tiers, deductibles = [], [], [], []
    for plan_year in (year - 1, year):
        numbers: dict[str, int] = {}
        for band in PLAN_BANDS.values():
            draws = rng.integers(band.min_deductible // 50, band.max_deductible // 50 + 1, size=band.plans_per_year)
            for deductible in draws * 50:
                numbers[band.code] = numbers.get(band.code, 0) + 1
                plan_ids.append(f"P{plan_year}-{band.code}-{numbers[band.code]:02d}")
                plan_years.append(plan_year)
                tiers.append(band.tier)
                deductibles.append(float(deductible))
    return pa.Table.from_arrays(
        [
            pa.array(plan_ids),
            pa.array(plan_years, type=pa.int32()),
            pa.array(tiers),
            pa.array(deductibles),
        ],
        schema=EXTRACT_SCHEMAS["plans"],
    )


def plan_rows(rng: np.random.Generator, band: np.ndarray, plan_year_index: np.ndarray) -> np.ndarray:
    """Pick a random plan of the given band in the given year (0 = prior year) as a plans-table row."""
    per_year = np.array([b.plans_per_year for b in PLAN_BANDS.values()])
    band_offset = np.concatenate([[0], np.cumsum(per_year)[:-1]])
    return plan_year_index * per_year.sum() + band_offset[band] + rng.integers(0, per_year[band])


def next_plan_of_band(plan_row: np.ndarray, band: np.ndarray) -> np.ndarray:
    """The plans-table row of the next plan of the same band and year (wrapping round), never the same plan."""
    per_year = np.array([b.plans_per_year for b in PLAN_BANDS.values()])
    band_offset = np.concatenate([[0], np.cumsum(per_year)[:-1]])
    year_offset = plan_row - plan_row % per_year.sum()
    position = plan_row - year_offset - band_offset[band]
    return year_offset + band_offset[band] + (position + 1) % per_year[band]


def band_weights(persona: np.ndarray) -> np.ndarray:
    """Each member's persona's plan-band preferences, one row per member."""
    return np.array([[p.plan_bands.get(b, 0.0) for b in BAND_NAMES] for p in PERSONAS])[persona]


def eligible_bands(bands: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Catastrophic plans are sold only to members under 30, so older members get Bronze instead."""
    too_old = (bands == BAND_NAMES.index("catastrophic")) & (age >= CATASTROPHIC_MAX_AGE)
    return np.where(too_old, BAND_NAMES.index("bronze"), bands)


def _net_premiums(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    """What the member pays after subsidy, drawn from the persona's range (some pay nothing)."""
    median = persona_values("net_premium_median")[persona]
    sigma = persona_values("net_premium_sigma")[persona]
    premium = median * np.exp(sigma * rng.standard_normal(persona.size))
    premium[rng.random(persona.size) < persona_values("zero_premium_share")[persona]] = 0.0
    return premium


def premium_split(
    rng: np.random.Generator,
    persona: np.ndarray,
    age: np.ndarray,
    band: np.ndarray,
    plan_rate: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Split an age-rated gross premium into the member's net premium and the APTC that covers the rest.

    Catastrophic plans get no APTC by law, so their members pay the gross premium.
    """
    gross = np.round(SILVER_BASE_PREMIUM_AT_21 * np.interp(age, AGE_CURVE_AGES, AGE_CURVE_FACTORS) * plan_rate, 2)
    net = np.round(np.minimum(_net_premiums(rng, persona), gross), 2)
    catastrophic = band == BAND_NAMES.index("catastrophic")
    net[catastrophic] = gross[catastrophic]
    return net, np.round(gross - net, 2)


def plan_rates(rng: np.random.Generator) -> np.ndarray:
    """Gross-premium factor per plans-table row: tier, carrier pricing, and last year's lower rates."""
    band_rates = np.concatenate([[b.rate_factor] * b.plans_per_year for b in PLAN_BANDS.values()])
    year_factor = np.repeat([PRIOR_YEAR_RATE_FACTOR, 1.0], band_rates.size)
    return np.tile(band_rates, 2) * year_factor * rng.uniform(0.9, 1.15, size=2 * band_rates.size)

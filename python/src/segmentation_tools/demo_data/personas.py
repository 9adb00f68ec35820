"""The four planted personas: who their members are and how active they are."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACTIVITIES = ("claims", "portal_logins", "email_opens", "call_center")
CALL_REASONS = ("billing", "claims", "benefits", "id_card", "subsidy", "renewal", "other")


@dataclass(frozen=True)
class Persona:
    """How one planted persona's members look; the count means are per 12-month window."""

    name: str
    share: float
    age_mean: float
    age_sd: float
    age_min: int
    age_max: int
    senior_share: float  # members past 64, still on a marketplace plan
    net_premium_median: float
    net_premium_sigma: float
    zero_premium_share: float
    plan_bands: dict[str, float]
    activity_means: tuple[float, float, float, float]  # in ACTIVITIES order
    rate_shapes: tuple[float, float, float, float]  # gamma shape of member-level rates; smaller = more overdispersed
    dormant_share: float  # members with no activity at all
    heavy_claimant_share: float  # chronic, complex members with 60-150 claims a year
    pharmacy_share: float
    click_rate: float
    call_reason_weights: tuple[float, ...]  # in CALL_REASONS order


# The personas as a table: one row per Persona field, one column per persona.
# Tuned so that the pipeline of the time (KMeans on the log1p-scaled counts) recovered these with an
# adjusted Rand index of about 0.94 at 50,000 members while every count stays overdispersed (today's fitted
# Yeo-Johnson default: docs/SEGMENTATION.md). Narrower gaps (a first draft with HEU calls 1.5, CMM/CSM calls 5,
# HEU age sd 7, gamma shapes 4) scored about 0.87.
_PARAMETERS: dict[str, tuple] = {
    "name": ("Digital Learners", "Highly Engaged Users", "Care Management Members", "Cost Sensitive Members"),
    "share": (0.35, 0.25, 0.15, 0.25),
    "age_mean": (29, 44, 58, 36),
    "age_sd": (5, 6.5, 5, 9),
    "age_min": (18, 21, 40, 18),
    "age_max": (45, 64, 64, 64),
    "senior_share": (0.0, 0.0, 0.02, 0.0),
    "net_premium_median": (160, 65, 40, 18),
    "net_premium_sigma": (0.3, 0.4, 0.55, 0.6),
    "zero_premium_share": (0.0, 0.0, 0.0, 0.30),
    "plan_bands": (
        {"catastrophic": 0.2, "bronze": 0.76, "silver": 0.04},
        {"silver": 0.62, "gold": 0.33, "bronze": 0.03, "silver_csr87": 0.02},
        {"gold_low_deductible": 0.35, "platinum": 0.20, "silver_csr87": 0.35, "silver_csr94": 0.05, "gold": 0.05},
        {"silver_csr94": 0.49, "silver_csr87": 0.47, "bronze": 0.02, "silver": 0.02},
    ),
    "activity_means": ((1.0, 2.0, 3.0, 0.5), (7.0, 14.0, 15.0, 1.2), (16.0, 17.0, 18.0, 5.5), (4.0, 5.0, 5.0, 5.5)),
    "rate_shapes": ((2.0, 2.0, 2.0, 2.0), (6.0, 8.0, 8.0, 10.0), (6.0, 8.0, 8.0, 10.0), (6.0, 8.0, 8.0, 10.0)),
    "dormant_share": (0.10, 0.003, 0.003, 0.003),
    "heavy_claimant_share": (0.0, 0.0, 0.01, 0.0),
    "pharmacy_share": (0.30, 0.40, 0.55, 0.40),
    "click_rate": (0.10, 0.30, 0.20, 0.15),
    "call_reason_weights": (
        (0.15, 0.10, 0.25, 0.20, 0.05, 0.05, 0.20),
        (0.12, 0.25, 0.30, 0.08, 0.05, 0.08, 0.12),
        (0.10, 0.35, 0.25, 0.05, 0.05, 0.08, 0.12),
        (0.30, 0.08, 0.08, 0.04, 0.25, 0.20, 0.05),
    ),
}
PERSONAS = tuple(
    Persona(**dict(zip(_PARAMETERS, column, strict=True))) for column in zip(*_PARAMETERS.values(), strict=True)
)


def persona_values(attribute: str) -> np.ndarray:
    return np.array([getattr(p, attribute) for p in PERSONAS])

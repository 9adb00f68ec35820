"""Seeded, vectorised generator of a health plan's raw extracts with four planted member personas.

The pipeline downstream is judged on whether it rediscovers who is who, so every member is drawn from one
persona and the seven segmentation features are planted through the raw records, never written directly:
age through date_of_birth, premium and deductible through enrollments and plans, the four counts through
claims, portal logins, email events and call-center contacts. Events run from about 15 months before to
about 1 month after the as-of date so that the pipeline's lookback-window filter has something to exclude.

Members are generated in chunks (CHUNK_MEMBERS at a time) and every table is streamed to its file chunk by
chunk, so peak memory stays flat however large the plan. Member, enrollment, claim and contact ids continue
across chunks; the plan line-up and its rates are drawn once and shared. Event rows are ordered in time
within a chunk, not across chunks, as in an extract appended to by several source-system batches.

Randomness comes from one numpy Generator per table and chunk, each derived from (seed, table, chunk), so
the same arguments give byte-identical files, a change to one table's logic leaves the others' draws
untouched, and adding members appends chunks without changing the earlier ones.

Monthly snapshots (:func:`generate_snapshots`) follow one population through consecutive as-of dates, as a
plan's monthly extracts do: one history of enrollments and events is drawn over all the snapshots' spans and
each snapshot's extracts hold the part of it its own span covers, so a member's lookback window rolls on by a
month from one snapshot to the next. Members age (their birthdays pass), some enrol or leave between
snapshots, and a chosen share truly changes behaviour each month (starts using the portal, becomes a high
utilizer, ...): from a day between two as-of dates their events follow another persona's rates. Optionally
the last snapshot is a deliberately shifted population, to test drift monitoring. The truth of every snapshot
(each member's persona then, and who changed) is written beside its extracts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR
NO_DAY = np.iinfo(np.int32).max  # an open coverage_end, or an enrollment slot the member does not have
FILE_FORMATS = ("parquet", "csv")
# Members per chunk: each chunk's tables peak at about 0.8 GB, far below the whole plan's at millions of members.
CHUNK_MEMBERS = 250_000
TRUTH_PATH = Path("_truth") / "planted_personas.parquet"
CHANGES_PATH = Path("_truth") / "behaviour_changes.parquet"

SCHEMAS = {
    "members": pa.schema(
        [
            ("member_id", pa.string()),
            ("date_of_birth", pa.date32()),
            ("sex", pa.string()),
            ("state", pa.string()),
            ("county_fips", pa.string()),
            ("preferred_language", pa.string()),
        ]
    ),
    "enrollments": pa.schema(
        [
            ("enrollment_id", pa.string()),
            ("member_id", pa.string()),
            ("plan_id", pa.string()),
            ("coverage_start", pa.date32()),
            ("coverage_end", pa.date32()),
            ("monthly_premium", pa.float64()),
            ("aptc_amount", pa.float64()),
        ]
    ),
    "plans": pa.schema(
        [
            ("plan_id", pa.string()),
            ("plan_year", pa.int32()),
            ("metal_tier", pa.string()),
            ("deductible", pa.float64()),
        ]
    ),
    "claims": pa.schema(
        [
            ("claim_id", pa.string()),
            ("member_id", pa.string()),
            ("service_date", pa.date32()),
            ("claim_type", pa.string()),
            ("paid_amount", pa.float64()),
        ]
    ),
    "portal_logins": pa.schema(
        [
            ("member_id", pa.string()),
            ("login_at", pa.timestamp("us")),
            ("channel", pa.string()),
        ]
    ),
    "email_events": pa.schema(
        [
            ("member_id", pa.string()),
            ("campaign_id", pa.string()),
            ("event_type", pa.string()),
            ("event_at", pa.timestamp("us")),
        ]
    ),
    "call_center_contacts": pa.schema(
        [
            ("contact_id", pa.string()),
            ("member_id", pa.string()),
            ("contact_at", pa.timestamp("us")),
            ("reason", pa.string()),
        ]
    ),
}
TRUTH_SCHEMA = pa.schema([("member_id", pa.string()), ("planted_persona", pa.string())])
# Who changed persona since the previous snapshot: on which day (null for the shifted population, whose
# whole window changed), from and to which planted persona, and how.
CHANGES_SCHEMA = pa.schema(
    [
        ("member_id", pa.string()),
        ("changed_on", pa.date32()),
        ("from_persona", pa.string()),
        ("to_persona", pa.string()),
        ("change", pa.string()),
    ]
)

# One random stream per purpose: adding draws to one table must not shift another's. The snapshot streams
# come last, so single-snapshot extracts are drawn exactly as before they existed.
STREAMS = ("population", *SCHEMAS, "turnover", "behaviour_changes", "population_shift")

ACTIVITIES = ("claims", "portal_logins", "email_opens", "call_center")
CALL_REASONS = ("billing", "claims", "benefits", "id_card", "subsidy", "renewal", "other")


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


# Tuned so that the default pipeline (KMeans on the log1p-scaled features) recovers these with an
# adjusted Rand index of about 0.94 at 50,000 members while every count stays overdispersed. Narrower gaps
# (a first draft with HEU calls 1.5, CMM/CSM calls 5, HEU age sd 7, gamma shapes 4) scored about 0.87.
PERSONAS = (
    Persona(
        name="Digital Learners",
        share=0.35,
        age_mean=29,
        age_sd=5,
        age_min=18,
        age_max=45,
        senior_share=0.0,
        net_premium_median=160,
        net_premium_sigma=0.3,
        zero_premium_share=0.0,
        plan_bands={"catastrophic": 0.2, "bronze": 0.76, "silver": 0.04},
        activity_means=(1.0, 2.0, 3.0, 0.5),
        rate_shapes=(2.0, 2.0, 2.0, 2.0),
        dormant_share=0.10,
        heavy_claimant_share=0.0,
        pharmacy_share=0.30,
        click_rate=0.10,
        call_reason_weights=(0.15, 0.10, 0.25, 0.20, 0.05, 0.05, 0.20),
    ),
    Persona(
        name="Highly Engaged Users",
        share=0.25,
        age_mean=44,
        age_sd=6.5,
        age_min=21,
        age_max=64,
        senior_share=0.0,
        net_premium_median=65,
        net_premium_sigma=0.4,
        zero_premium_share=0.0,
        plan_bands={"silver": 0.62, "gold": 0.33, "bronze": 0.03, "silver_csr87": 0.02},
        activity_means=(7.0, 14.0, 15.0, 1.2),
        rate_shapes=(6.0, 8.0, 8.0, 10.0),
        dormant_share=0.003,
        heavy_claimant_share=0.0,
        pharmacy_share=0.40,
        click_rate=0.30,
        call_reason_weights=(0.12, 0.25, 0.30, 0.08, 0.05, 0.08, 0.12),
    ),
    Persona(
        name="Care Management Members",
        share=0.15,
        age_mean=58,
        age_sd=5,
        age_min=40,
        age_max=64,
        senior_share=0.02,
        net_premium_median=40,
        net_premium_sigma=0.55,
        zero_premium_share=0.0,
        plan_bands={
            "gold_low_deductible": 0.35,
            "platinum": 0.20,
            "silver_csr87": 0.35,
            "silver_csr94": 0.05,
            "gold": 0.05,
        },
        activity_means=(16.0, 17.0, 18.0, 5.5),
        rate_shapes=(6.0, 8.0, 8.0, 10.0),
        dormant_share=0.003,
        heavy_claimant_share=0.01,
        pharmacy_share=0.55,
        click_rate=0.20,
        call_reason_weights=(0.10, 0.35, 0.25, 0.05, 0.05, 0.08, 0.12),
    ),
    Persona(
        name="Cost Sensitive Members",
        share=0.25,
        age_mean=36,
        age_sd=9,
        age_min=18,
        age_max=64,
        senior_share=0.0,
        net_premium_median=18,
        net_premium_sigma=0.6,
        zero_premium_share=0.30,
        plan_bands={"silver_csr94": 0.49, "silver_csr87": 0.47, "bronze": 0.02, "silver": 0.02},
        activity_means=(4.0, 5.0, 5.0, 5.5),
        rate_shapes=(6.0, 8.0, 8.0, 10.0),
        dormant_share=0.003,
        heavy_claimant_share=0.0,
        pharmacy_share=0.40,
        click_rate=0.15,
        call_reason_weights=(0.30, 0.08, 0.08, 0.04, 0.25, 0.20, 0.05),
    ),
)

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

MEDICAL_LINE_COUNT_P = (0.40, 0.25, 0.17, 0.11, 0.07)
PHARMACY_LINE_COUNT_P = (0.92, 0.08, 0.0, 0.0, 0.0)
WEEKEND_MEDICAL_MOVED_TO_MONDAY = 0.75
SPECIALTY_DRUG_SHARE = 0.05
MAX_LINE_PAID = 250_000.0

LOGIN_HOUR_WEIGHTS_WEB = (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 4, 6, 7, 7, 6, 6, 6, 5, 5, 5, 6, 7, 7, 6, 4, 2)
LOGIN_HOUR_WEIGHTS_MOBILE = (2, 1, 0.5, 0.3, 0.3, 0.6, 2, 4, 5, 5, 5, 5, 7, 6, 5, 5, 5, 6, 7, 8, 9, 9, 7, 4)
CALL_HOUR_WEIGHTS = (0,) * 8 + (5, 9, 10, 9, 7, 8, 9, 8, 7, 6, 4, 3) + (0,) * 4
WINDOW_EDGE_PIN_SHARE = 0.1
CAMPAIGN_SEND_HOUR = 10
CAMPAIGN_SEND_SPREAD_US = 2 * US_PER_HOUR
TRANSFERRED_CALL_SHARE = 0.05
SATURDAY_CALLS_KEPT = 0.5  # the call center runs a short Saturday shift and is closed on Sunday
HEAVY_CLAIMANT_RATE = (60.0, 150.0)
PRIOR, SUPERSEDED, CURRENT = 0, 1, 2  # enrollment slots per member

# Monthly snapshots. Each month, this share of the members enrol (coverage from the day after the previous
# as-of date, a special enrollment) and this share leave (coverage ends on the previous as-of date), on top
# of the lapses and mid-year starts the enrollment scenarios already hold.
MONTHLY_ENTRY_SHARE = 0.01
MONTHLY_EXIT_SHARE = 0.01
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
BEFORE_EVERYTHING = np.iinfo(np.int32).min  # first day of a behaviour that was always there


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


@dataclass(frozen=True)
class PlanLineup:
    """The plans extract and each plan's gross-rate factor: drawn once, shared by every chunk's enrollments."""

    table: pa.Table
    rates: np.ndarray  # gross-premium factor per plans-table row


@dataclass(frozen=True)
class FirstIds:
    """The numbers a chunk's enrollment, claim and contact ids start from, so ids stay unique across chunks."""

    enrollment: int = 1
    claim: int = 1
    contact: int = 1


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


def generate_extracts(
    n_members: int,
    out_dir: Path,
    as_of_date: dt.date,
    seed: int = 42,
    file_format: str = "parquet",
    *,
    chunk_members: int = CHUNK_MEMBERS,
) -> dict[str, int]:
    """Write the seven raw extracts and the planted-persona truth; return rows written per extract.

    chunk_members only bounds memory, but it is part of the arguments: each chunk draws from its own streams.
    """
    rows = _generate(
        n_members,
        {as_of_date: Path(out_dir)},
        seed=seed,
        file_format=file_format,
        change_share=0.0,
        shift_share=0.0,
        chunk_members=chunk_members,
    )
    return rows[as_of_date]


def monthly_as_of_dates(last: dt.date, snapshots: int) -> list[dt.date]:
    """snapshots as-of dates a month apart ending on last, oldest first (month ends stay month ends)."""
    if snapshots < 1:
        raise ValueError(f"snapshots must be positive, got {snapshots}")
    ends_month = last.day == calendar.monthrange(last.year, last.month)[1]
    dates = [_shift_months(last, -back) for back in range(snapshots - 1, -1, -1)]
    if ends_month:
        dates = [day.replace(day=calendar.monthrange(day.year, day.month)[1]) for day in dates]
    return dates


def generate_snapshots(
    n_members: int,
    out_dir: Path,
    as_of_dates: list[dt.date],
    seed: int = 42,
    file_format: str = "parquet",
    *,
    change_share: float = 0.05,
    shift_share: float = 0.0,
    chunk_members: int = CHUNK_MEMBERS,
) -> dict[dt.date, dict[str, int]]:
    """Write one snapshot of the same plan per as-of date into out_dir/<YYYY-MM-DD>/; return rows per extract.

    Each month change_share of the members (of those who have not changed yet) truly change behaviour from a
    day after the previous as-of date. shift_share > 0 makes the last snapshot a shifted population: that
    share of members show another persona's activity over their whole lookback window (as if the extract
    were re-keyed or the population changed overnight), which drift monitoring should flag. Every snapshot's
    _truth/ holds each member's persona on its as-of date and the changes since the previous snapshot.
    """
    if sorted(set(as_of_dates)) != list(as_of_dates):
        raise ValueError(f"as_of_dates must be strictly increasing, got {as_of_dates}")
    for name, share in (("change_share", change_share), ("shift_share", shift_share)):
        if not 0.0 <= share < 1.0:
            raise ValueError(f"{name} must be at least 0 and below 1, got {share}")
    if shift_share and len(as_of_dates) < 2:
        raise ValueError("shift_share shifts the last snapshot against the ones before it; give at least two dates")
    out_dir = Path(out_dir)
    return _generate(
        n_members,
        {as_of: out_dir / as_of.isoformat() for as_of in as_of_dates},
        seed=seed,
        file_format=file_format,
        change_share=change_share,
        shift_share=shift_share,
        chunk_members=chunk_members,
    )


def _generate(
    n_members: int,
    out_dirs: dict[dt.date, Path],
    *,
    seed: int,
    file_format: str,
    change_share: float,
    shift_share: float,
    chunk_members: int,
) -> dict[dt.date, dict[str, int]]:
    if n_members < 1:
        raise ValueError(f"n_members must be positive, got {n_members}")
    if file_format not in FILE_FORMATS:
        raise ValueError(f"file_format must be one of {FILE_FORMATS}, got {file_format!r}")
    timeline = _timeline(list(out_dirs))
    plans_rng = _rng(seed, "plans")
    lineup = PlanLineup(table=_plans_table(plans_rng, timeline.year), rates=_plan_rates(plans_rng))
    with _SnapshotWriters(list(out_dirs.values()), file_format, timeline) as writers:
        writers.append_to_every_snapshot("plans", lineup.table)
        first_ids = FirstIds()
        for chunk, first_member in enumerate(range(0, n_members, chunk_members)):
            members = range(first_member, min(first_member + chunk_members, n_members))
            first_ids = _write_chunk(
                writers,
                members,
                seed=seed,
                chunk=chunk,
                lineup=lineup,
                timeline=timeline,
                first_ids=first_ids,
                change_share=change_share,
                shift_share=shift_share,
            )
    return dict(zip(out_dirs, writers.rows, strict=True))


def _write_chunk(
    writers: _SnapshotWriters,
    members: range,
    *,
    seed: int,
    chunk: int,
    lineup: PlanLineup,
    timeline: Timeline,
    first_ids: FirstIds,
    change_share: float,
    shift_share: float,
) -> FirstIds:
    """Generate one chunk of members and append every table's rows; return where the next chunk's ids start.

    Each event table is built, written and dropped before the next to keep peak memory low.
    """
    population = _draw_population(_rng(seed, "population", chunk), members)
    several = len(timeline.snapshots) > 1
    changes = (
        _behaviour_changes(_rng(seed, "behaviour_changes", chunk), population, timeline, change_share)
        if several
        else None
    )
    shift = (
        _population_shift(_rng(seed, "population_shift", chunk), population, shift_share, changes)
        if shift_share
        else None
    )
    for snapshot, truth in enumerate(_truth_tables(population, timeline, changes, shift)):
        writers.append_truth(snapshot, *truth)
    writers.append_to_every_snapshot("members", _members_table(_rng(seed, "members", chunk), population, timeline))
    enrollments, coverage = _enrollments(
        _rng(seed, "enrollments", chunk),
        population,
        lineup,
        timeline,
        first_ids.enrollment,
        turnover_rng=_rng(seed, "turnover", chunk) if several else None,
    )
    writers.append_enrollments(enrollments)
    behaviours, behaviour_coverage = _behaviours(population, coverage, changes)
    hidden = population.member_ids.filter(pa.array(shift.mask)) if shift is not None else None
    first_ids = _write_events(
        writers, behaviours, behaviour_coverage, timeline, first_ids, seed=seed, chunk=chunk, hidden_in_last=hidden
    )
    if shift is not None:
        shifted, shifted_coverage = _shifted_behaviours(population, coverage, shift)
        first_ids = _write_events(
            writers, shifted, shifted_coverage, timeline, first_ids, seed=seed, chunk=chunk, only_last=True
        )
    return FirstIds(
        enrollment=first_ids.enrollment + enrollments.num_rows, claim=first_ids.claim, contact=first_ids.contact
    )


def _write_events(
    writers: _SnapshotWriters,
    population: Population,
    coverage: Coverage,
    timeline: Timeline,
    first_ids: FirstIds,
    *,
    seed: int,
    chunk: int,
    hidden_in_last: pa.Array | None = None,
    only_last: bool = False,
) -> FirstIds:
    """The four event tables of one population of behaviours, written to the snapshots whose span holds them.

    The shifted population's behaviours (only_last) draw from their own streams and appear in the last
    snapshot only, where the rows of the members they replace (hidden_in_last) are left out.
    """
    extra = (1,) if only_last else ()
    route = {"hidden_in_last": hidden_in_last, "only_last": only_last}
    claims, claim_count = _claims_table(
        _rng(seed, "claims", chunk, *extra), population, coverage, timeline, first_ids.claim
    )
    writers.append_events("claims", claims, **route)
    del claims  # dropped before the next table is built
    logins = _portal_logins_table(_rng(seed, "portal_logins", chunk, *extra), population, coverage, timeline)
    writers.append_events("portal_logins", logins, **route)
    del logins
    emails = _email_events_table(_rng(seed, "email_events", chunk, *extra), population, coverage, timeline)
    writers.append_events("email_events", emails, **route)
    del emails
    contacts, contact_count = _call_center_table(
        _rng(seed, "call_center_contacts", chunk, *extra), population, timeline, first_ids.contact
    )
    writers.append_events("call_center_contacts", contacts, **route)
    return FirstIds(
        enrollment=first_ids.enrollment,
        claim=first_ids.claim + claim_count,
        contact=first_ids.contact + contact_count,
    )


# --- time --------------------------------------------------------------------------------------------------


def _rng(seed: int, stream: str, chunk: int | None = None, *more: int) -> np.random.Generator:
    """The stream of one purpose (and chunk): shared draws such as the plans take no chunk; `more` tells apart
    several streams of one purpose and chunk (the shifted population's events)."""
    spawn_key = (STREAMS.index(stream),) if chunk is None else (STREAMS.index(stream), chunk, *more)
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=spawn_key))


def _shift_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic that clamps to the month's last day (Mar 31 - 1 month = Feb 28/29)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


def _epoch_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _snapshot(as_of_date: dt.date) -> Snapshot:
    """Events span ~15 months before to ~1 month after the as-of date, wider than the 12-month window."""
    return Snapshot(
        as_of=_epoch_day(as_of_date),
        window_start=_epoch_day(_shift_months(as_of_date, -12)),
        span_start=_epoch_day(_shift_months(as_of_date, -15)) + 1,
        span_end=_epoch_day(_shift_months(as_of_date, 1)),
    )


def _timeline(as_of_dates: list[dt.date]) -> Timeline:
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


def _month_start(days: np.ndarray | int, months_later: np.ndarray | int = 0) -> np.ndarray:
    """First day of the month `months_later` months after the month holding each day (epoch days)."""
    months = np.asarray(days).astype("datetime64[D]").astype("datetime64[M]") + months_later
    return months.astype("datetime64[D]").astype(np.int64)


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _dates_in_years(years: np.ndarray, month: int, day: int) -> np.ndarray:
    """The given month/day in each year, clamped to the month's end so Feb 29 becomes Feb 28 in common years."""
    month_starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    first = month_starts.astype("datetime64[D]").astype(np.int64)
    last = (month_starts + 1).astype("datetime64[D]").astype(np.int64) - 1
    return np.minimum(first + day - 1, last)


def _is_leap(years: np.ndarray) -> np.ndarray:
    return (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))


def _weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0; 1970-01-01 was a Thursday."""
    return (days + 3) % 7


def _times_of_day(rng: np.random.Generator, hour_weights: tuple[float, ...], size: int) -> np.ndarray:
    """Microseconds since midnight, with the hour drawn from a realistic daily profile."""
    weights = np.asarray(hour_weights, dtype=float)
    hours = rng.choice(24, size=size, p=weights / weights.sum())
    return hours * US_PER_HOUR + rng.integers(0, US_PER_HOUR, size=size)


def _pin_times_at_window_edges(rng: np.random.Generator, at_us: np.ndarray, timeline: Timeline) -> np.ndarray:
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


# --- strings -----------------------------------------------------------------------------------------------


def _format_ids(prefix: str, numbers: np.ndarray, digits: int) -> pa.Array:
    """Zero-padded ids such as M000000001, built straight into an Arrow buffer (no Python strings)."""
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    width = head.size + digits
    chars = np.empty((numbers.size, width), dtype=np.uint8)
    chars[:, : head.size] = head
    remaining = numbers.astype(np.int64)
    for position in range(width - 1, head.size - 1, -1):
        chars[:, position] = remaining % 10 + ord("0")
        remaining = remaining // 10
    offsets = np.arange(numbers.size + 1, dtype=np.int32) * width
    return pa.Array.from_buffers(pa.string(), numbers.size, [None, pa.py_buffer(offsets), pa.py_buffer(chars)])


def _labels(values: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.string()).take(pa.array(codes))


def _choose(rng: np.random.Generator, shares: dict[str, float], size: int) -> np.ndarray:
    p = np.fromiter(shares.values(), dtype=float)
    return rng.choice(len(shares), size=size, p=p / p.sum())


def _choose_per_row(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (rows, categories) weight matrix; rows need not sum to one."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(probabilities.shape[0]) * cumulative[:, -1]
    return np.minimum((cumulative < u[:, None]).sum(axis=1), probabilities.shape[1] - 1)


# --- members -----------------------------------------------------------------------------------------------


def _persona_values(attribute: str) -> np.ndarray:
    return np.array([getattr(p, attribute) for p in PERSONAS])


def _draw_population(rng: np.random.Generator, members: range) -> Population:
    """Assign personas, planted ages and per-member activity rates (gamma-mixed, hence overdispersed)."""
    shares = _persona_values("share")
    persona = rng.choice(len(PERSONAS), size=len(members), p=shares / shares.sum()).astype(np.int8)
    return Population(
        member_ids=_format_ids("M", np.arange(members.start + 1, members.stop + 1), 9),
        persona=persona,
        age=_draw_ages(rng, persona),
        activity_rates=_draw_activity_rates(rng, persona),
    )


def _draw_ages(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    mean, sd = _persona_values("age_mean")[persona], _persona_values("age_sd")[persona]
    ages = np.clip(
        np.rint(rng.normal(mean, sd)),
        _persona_values("age_min")[persona],
        _persona_values("age_max")[persona],
    )
    senior = rng.random(persona.size) < _persona_values("senior_share")[persona]
    ages[senior] = rng.integers(65, 73, size=int(senior.sum()))
    return ages.astype(np.int64)


def _draw_activity_rates(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    means = np.array([p.activity_means for p in PERSONAS])[persona]
    shape = np.array([p.rate_shapes for p in PERSONAS])[persona]
    rates = means * rng.gamma(shape, 1.0 / shape, size=means.shape)
    heavy = rng.random(persona.size) < _persona_values("heavy_claimant_share")[persona]
    rates[heavy, ACTIVITIES.index("claims")] = rng.uniform(*HEAVY_CLAIMANT_RATE, size=int(heavy.sum()))
    dormant = rng.random(persona.size) < _persona_values("dormant_share")[persona]
    rates[dormant] = 0.0
    return rates


def _birth_dates(rng: np.random.Generator, ages: np.ndarray, as_of: dt.date) -> np.ndarray:
    """Dates of birth that make each member exactly `age` completed years old on the as-of date.

    Some members are forced onto the as-of month/day (turning a year older that very day) and some onto
    Feb 29, the two places where an age calculation usually goes wrong.
    """
    birth_years = as_of.year - ages
    latest = _dates_in_years(birth_years, as_of.month, as_of.day)
    earliest_excluded = _dates_in_years(birth_years - 1, as_of.month, as_of.day)
    days = latest - rng.integers(0, latest - earliest_excluded)
    exact_birthday = rng.random(ages.size) < EXACT_BIRTHDAY_SHARE
    days[exact_birthday] = latest[exact_birthday]
    leap_year = birth_years - ((as_of.month, as_of.day) < (2, 29))
    leap_day = (rng.random(ages.size) < LEAP_DAY_BIRTH_SHARE) & _is_leap(leap_year)
    days[leap_day] = _dates_in_years(leap_year[leap_day], 2, 29)
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


def _members_table(rng: np.random.Generator, population: Population, timeline: Timeline) -> pa.Table:
    n = population.persona.size
    state = _choose(rng, STATE_SHARES, n)
    all_counties = [c for s in STATE_SHARES for c in STATE_COUNTIES[s]]
    return pa.Table.from_arrays(
        [
            population.member_ids,
            pa.array(_birth_dates(rng, population.age, timeline.as_of_date).astype(np.int32), type=pa.date32()),
            _labels(tuple(SEX_SHARES), _choose(rng, SEX_SHARES, n)),
            _labels(tuple(STATE_SHARES), state),
            _labels(all_counties, _draw_counties(rng, state)),
            _labels(tuple(LANGUAGE_SHARES), _choose(rng, LANGUAGE_SHARES, n)),
        ],
        schema=SCHEMAS["members"],
    )


def _truth_table(population: Population) -> pa.Table:
    names = [p.name for p in PERSONAS]
    return pa.Table.from_arrays([population.member_ids, _labels(names, population.persona)], schema=TRUTH_SCHEMA)


# --- monthly snapshots -------------------------------------------------------------------------------------


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


def _behaviour_changes(
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
    persona = _choose_per_row(rng, _change_weights()[population.persona[members]]).astype(np.int8)
    return BehaviourChanges(
        members=members, day=day, persona=persona, activity_rates=_draw_activity_rates(rng, persona)
    )


def _population_shift(
    rng: np.random.Generator, population: Population, shift_share: float, changes: BehaviourChanges | None
) -> PopulationShift:
    """shift_share of the members who did not change behaviour, each given another persona (drawn by the
    personas' shares) whose activity fills their whole lookback window in the last snapshot."""
    n = population.persona.size
    mask = rng.random(n) < shift_share
    if changes is not None:
        mask[changes.members] = False
    weights = np.tile(_persona_values("share"), (int(mask.sum()), 1))
    weights[np.arange(weights.shape[0]), population.persona[mask]] = 0.0
    persona = _choose_per_row(rng, weights).astype(np.int8)
    return PopulationShift(mask=mask, persona=persona, activity_rates=_draw_activity_rates(rng, persona))


def _truth_tables(
    population: Population,
    timeline: Timeline,
    changes: BehaviourChanges | None,
    shift: PopulationShift | None,
) -> list[tuple[pa.Table, pa.Table | None]]:
    """Per snapshot: every member's persona on its as-of date and, in a series (changes given), who changed
    since the previous snapshot (CHANGES_SCHEMA)."""
    names = [p.name for p in PERSONAS]
    tables: list[tuple[pa.Table, pa.Table | None]] = []
    previous_as_of = BEFORE_EVERYTHING
    for snapshot in timeline.snapshots:
        persona = population.persona.copy()
        changes_table = None
        if changes is not None:
            changed_by_now = changes.day <= snapshot.as_of
            persona[changes.members[changed_by_now]] = changes.persona[changed_by_now]
            since = np.flatnonzero(changed_by_now & (changes.day > previous_as_of))
            members = changes.members[since]
            changes_table = _changes_table(
                population.member_ids.take(pa.array(members)),
                pa.array(changes.day[since].astype(np.int32), type=pa.date32()),
                _labels(names, population.persona[members]),
                _labels(names, changes.persona[since]),
                "behaviour",
            )
        if shift is not None and snapshot is timeline.snapshots[-1] and changes_table is not None:
            shifted = np.flatnonzero(shift.mask)
            shifted_rows = _changes_table(
                population.member_ids.take(pa.array(shifted)),
                pa.nulls(shifted.size, type=pa.date32()),
                _labels(names, persona[shifted]),
                _labels(names, shift.persona),
                "population_shift",
            )
            changes_table = pa.concat_tables([changes_table, shifted_rows])
            persona[shifted] = shift.persona
        truth = pa.Table.from_arrays([population.member_ids, _labels(names, persona)], schema=TRUTH_SCHEMA)
        tables.append((truth, changes_table))
        previous_as_of = snapshot.as_of
    return tables


def _changes_table(
    member_ids: pa.Array, changed_on: pa.Array, from_persona: pa.Array, to_persona: pa.Array, change: str
) -> pa.Table:
    kind = pa.array([change] * len(member_ids), type=pa.string())
    return pa.Table.from_arrays([member_ids, changed_on, from_persona, to_persona, kind], schema=CHANGES_SCHEMA)


def _behaviours(
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


def _shifted_behaviours(
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


def _monthly_turnover(rng: np.random.Generator, starts: np.ndarray, ends: np.ndarray, timeline: Timeline) -> None:
    """Between each two consecutive snapshots, MONTHLY_ENTRY_SHARE of the members enrol and MONTHLY_EXIT_SHARE
    leave (in place on the enrollment slots).

    Entrants are members whose only enrollment started on January 1; theirs now starts the day after the
    earlier as-of date. Leavers are members covered by one enrollment through every snapshot; theirs now ends
    on the earlier as-of date.
    """
    n = starts.shape[1]
    year_start = _epoch_day(dt.date(timeline.year, 1, 1))
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


# --- plans and enrollments ---------------------------------------------------------------------------------


def _plans_table(rng: np.random.Generator, year: int) -> pa.Table:
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
        schema=SCHEMAS["plans"],
    )


def _plan_rows(rng: np.random.Generator, band: np.ndarray, plan_year_index: np.ndarray) -> np.ndarray:
    """Pick a random plan of the given band in the given year (0 = prior year) as a plans-table row."""
    per_year = np.array([b.plans_per_year for b in PLAN_BANDS.values()])
    band_offset = np.concatenate([[0], np.cumsum(per_year)[:-1]])
    return plan_year_index * per_year.sum() + band_offset[band] + rng.integers(0, per_year[band])


def _next_plan_of_band(plan_row: np.ndarray, band: np.ndarray) -> np.ndarray:
    """The plans-table row of the next plan of the same band and year (wrapping round), never the same plan."""
    per_year = np.array([b.plans_per_year for b in PLAN_BANDS.values()])
    band_offset = np.concatenate([[0], np.cumsum(per_year)[:-1]])
    year_offset = plan_row - plan_row % per_year.sum()
    position = plan_row - year_offset - band_offset[band]
    return year_offset + band_offset[band] + (position + 1) % per_year[band]


def _band_weights(persona: np.ndarray) -> np.ndarray:
    """Each member's persona's plan-band preferences, one row per member."""
    return np.array([[p.plan_bands.get(b, 0.0) for b in BAND_NAMES] for p in PERSONAS])[persona]


def _eligible_bands(bands: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Catastrophic plans are sold only to members under 30, so older members get Bronze instead."""
    too_old = (bands == BAND_NAMES.index("catastrophic")) & (age >= CATASTROPHIC_MAX_AGE)
    return np.where(too_old, BAND_NAMES.index("bronze"), bands)


def _net_premiums(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    """What the member pays after subsidy, drawn from the persona's range (some pay nothing)."""
    median = _persona_values("net_premium_median")[persona]
    sigma = _persona_values("net_premium_sigma")[persona]
    premium = median * np.exp(sigma * rng.standard_normal(persona.size))
    premium[rng.random(persona.size) < _persona_values("zero_premium_share")[persona]] = 0.0
    return premium


def _premium_split(
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


def _plan_rates(rng: np.random.Generator) -> np.ndarray:
    """Gross-premium factor per plans-table row: tier, carrier pricing, and last year's lower rates."""
    band_rates = np.concatenate([[b.rate_factor] * b.plans_per_year for b in PLAN_BANDS.values()])
    year_factor = np.repeat([PRIOR_YEAR_RATE_FACTOR, 1.0], band_rates.size)
    return np.tile(band_rates, 2) * year_factor * rng.uniform(0.9, 1.15, size=2 * band_rates.size)


def _enrollment_slots(rng: np.random.Generator, n: int, timeline: Timeline) -> tuple[np.ndarray, np.ndarray]:
    """Coverage (start, end) per member for the prior, superseded and current slots.

    The current enrollment carries the persona's plan and premium. It is active on the as-of date in the
    renewing, new, mid-year and switching scenarios and not in the others. A superseded enrollment is an
    older one left open when the member switched plans, so two are active at once and the later
    coverage_start must win.
    """
    year_start = _epoch_day(dt.date(timeline.year, 1, 1))
    year_end = _epoch_day(dt.date(timeline.year, 12, 31))
    prior_start = _epoch_day(dt.date(timeline.year - 1, 1, 1))
    as_of_month = _month_start(timeline.as_of)
    scenario = np.asarray(tuple(ENROLLMENT_SCENARIOS))[_choose(rng, ENROLLMENT_SCENARIOS, n)]
    open_ended = rng.random(n) < OPEN_ENDED_SHARE
    months_back = rng.integers(1, 11, size=n)
    starts = np.full((3, n), NO_DAY, dtype=np.int64)
    ends = np.full((3, n), NO_DAY, dtype=np.int64)

    starts[CURRENT] = year_start
    ends[CURRENT] = np.where(open_ended, NO_DAY, year_end)

    late_start = _month_start(as_of_month, -months_back)
    joined_late = np.isin(scenario, ("mid_year", "overlapping_switch"))
    starts[CURRENT, joined_late] = late_start[joined_late]

    switch = scenario == "overlapping_switch"
    ends[CURRENT, switch] = NO_DAY
    starts[SUPERSEDED, switch] = _month_start(late_start[switch], -rng.integers(2, 9, size=int(switch.sum())))
    ends[SUPERSEDED, switch] = np.where(open_ended[switch], NO_DAY, year_end)

    lapsed = scenario == "lapsed_this_year"
    lapse_end = _month_start(as_of_month, 1 - months_back[lapsed]) - 1
    starts[CURRENT, lapsed] = np.minimum(year_start, _month_start(lapse_end))
    ends[CURRENT, lapsed] = lapse_end

    last_year_only = scenario == "lapsed_last_year"
    starts[CURRENT, last_year_only] = prior_start
    ends[CURRENT, last_year_only] = year_start - 1

    future = scenario == "future_only"
    starts[CURRENT, future] = _month_start(as_of_month, 1)
    ends[CURRENT, future] = NO_DAY

    lapsed_with_prior = lapsed & (starts[CURRENT] == year_start)
    lapsed_with_prior &= rng.random(n) < LAPSED_WITH_PRIOR_SHARE
    has_prior = (scenario == "renewing") | lapsed_with_prior
    prior_late_start = _month_start(prior_start, rng.integers(1, 10, size=n))
    prior_joined_late = rng.random(n) < PRIOR_MID_YEAR_SHARE
    starts[PRIOR, has_prior] = np.where(prior_joined_late, prior_late_start, prior_start)[has_prior]
    ends[PRIOR, has_prior] = year_start - 1
    return starts, ends


def _enrollments(
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
    weights = _band_weights(population.persona)
    current_band = _choose_per_row(rng, weights)
    weights[np.arange(n), current_band] = 0.0  # a switch or a renewal change moves to another band
    other_band = _choose_per_row(rng, weights)
    bands = np.empty((3, n), dtype=np.int64)
    bands[PRIOR] = np.where(rng.random(n) < SAME_BAND_AT_RENEWAL, current_band, other_band)
    bands[SUPERSEDED] = other_band
    bands[CURRENT] = current_band
    bands = _eligible_bands(bands, population.age)

    present = starts != NO_DAY
    slot, member_idx = np.nonzero(present)
    start, end, band = starts[present], ends[present], bands[present]
    plan_year_index = np.clip(_year_of(start) - (timeline.year - 1), 0, 1)
    plan_row = _plan_rows(rng, band, plan_year_index)
    current_plan = np.empty(n, dtype=np.int64)
    current_plan[member_idx[slot == CURRENT]] = plan_row[slot == CURRENT]
    # A switch moves to another plan; the catastrophic-to-bronze substitution can land it on the current one.
    same_plan = (slot == SUPERSEDED) & (plan_row == current_plan[member_idx])
    plan_row[same_plan] = _next_plan_of_band(plan_row[same_plan], band[same_plan])
    premium, aptc = _premium_split(
        rng, population.persona[member_idx], population.age[member_idx], band, lineup.rates[plan_row]
    )

    order = np.lexsort((slot, member_idx, start))
    table = pa.Table.from_arrays(
        [
            _format_ids("E", np.arange(first_id, first_id + order.size), 9),
            population.member_ids.take(pa.array(member_idx[order])),
            lineup.table.column("plan_id").combine_chunks().take(pa.array(plan_row[order])),
            pa.array(start[order].astype(np.int32), type=pa.date32()),
            pa.array(end[order].astype(np.int32), type=pa.date32(), mask=end[order] == NO_DAY),
            pa.array(premium[order]),
            pa.array(aptc[order]),
        ],
        schema=SCHEMAS["enrollments"],
    )
    deductible = lineup.table.column("deductible").to_numpy()[current_plan]
    return table, Coverage(starts=starts, ends=ends, deductible=deductible)


# --- events ------------------------------------------------------------------------------------------------


def _event_members(rng: np.random.Generator, rates: np.ndarray, scale: float) -> np.ndarray:
    """Member index per event; `scale` stretches the 12-month rate to the span events are drawn over."""
    return np.repeat(np.arange(rates.size), rng.poisson(rates * scale))


def _event_days(rng: np.random.Generator, size: int, timeline: Timeline) -> np.ndarray:
    return timeline.span_start + rng.integers(0, timeline.span_days, size=size)


def _claims_table(
    rng: np.random.Generator, population: Population, coverage: Coverage, timeline: Timeline, first_id: int
) -> tuple[pa.Table, int]:
    """Claims of 1-5 lines, and how many claims (ids) they are.

    Medical visits fall mostly on weekdays; paid amounts are shrunk by the deductible.
    """
    member_idx = _event_members(rng, population.rates("claims"), timeline.span_to_window)
    day = _event_days(rng, member_idx.size, timeline)
    pharmacy = rng.random(member_idx.size) < _persona_values("pharmacy_share")[population.persona[member_idx]]
    weekday = _weekday(day)
    moved = ~pharmacy & (weekday >= 5) & (rng.random(day.size) < WEEKEND_MEDICAL_MOVED_TO_MONDAY)
    day = np.where(moved, day + 7 - weekday, day)
    kept = coverage.covers(member_idx, day)
    member_idx, day, pharmacy = member_idx[kept], day[kept], pharmacy[kept]
    order = np.lexsort((member_idx, day))
    member_idx, day, pharmacy = member_idx[order], day[order], pharmacy[order]

    line_p = np.where(pharmacy[:, None], PHARMACY_LINE_COUNT_P, MEDICAL_LINE_COUNT_P)
    lines = _choose_per_row(rng, line_p) + 1
    claim_idx = np.repeat(np.arange(member_idx.size), lines)
    line_member, line_pharmacy = member_idx[claim_idx], pharmacy[claim_idx]
    table = pa.Table.from_arrays(
        [
            _format_ids("C", claim_idx + first_id, 10),
            population.member_ids.take(pa.array(line_member)),
            pa.array(day[claim_idx].astype(np.int32), type=pa.date32()),
            _labels(("medical", "pharmacy"), line_pharmacy.astype(np.int8)),
            pa.array(_paid_amounts(rng, line_pharmacy, coverage.deductible[line_member])),
        ],
        schema=SCHEMAS["claims"],
    )
    return table, member_idx.size


def _paid_amounts(rng: np.random.Generator, pharmacy: np.ndarray, deductible: np.ndarray) -> np.ndarray:
    """Heavy-tailed line amounts; lines under a high deductible are more often paid at zero."""
    n = pharmacy.size
    medical = rng.lognormal(np.log(95.0), 1.25, size=n)
    drug = np.where(
        rng.random(n) < SPECIALTY_DRUG_SHARE,
        rng.lognormal(np.log(1800.0), 0.9, size=n),
        rng.lognormal(np.log(22.0), 1.2, size=n),
    )
    paid = np.where(pharmacy, drug, medical)
    zero_p = np.where(pharmacy, 0.03, 0.04 + 0.30 * deductible / 9450.0)
    paid[rng.random(n) < zero_p] = 0.0
    return np.round(np.minimum(paid, MAX_LINE_PAID), 2)


def _portal_logins_table(
    rng: np.random.Generator, population: Population, coverage: Coverage, timeline: Timeline
) -> pa.Table:
    """Logins while covered; younger members use the app more, and app logins skew to evenings."""
    member_idx = _event_members(rng, population.rates("portal_logins"), timeline.span_to_window)
    day = _event_days(rng, member_idx.size, timeline)
    kept = coverage.covers(member_idx, day)
    member_idx, day = member_idx[kept], day[kept]
    mobile_p = np.clip(0.95 - 0.01 * population.age[member_idx], 0.2, 0.8)
    mobile = rng.random(member_idx.size) < mobile_p
    time_of_day = np.where(
        mobile,
        _times_of_day(rng, LOGIN_HOUR_WEIGHTS_MOBILE, member_idx.size),
        _times_of_day(rng, LOGIN_HOUR_WEIGHTS_WEB, member_idx.size),
    )
    at = _pin_times_at_window_edges(rng, day * US_PER_DAY + time_of_day, timeline)
    order = np.argsort(at, kind="stable")
    return pa.Table.from_arrays(
        [
            population.member_ids.take(pa.array(member_idx[order])),
            pa.array(at[order], type=pa.timestamp("us")),
            _labels(("web", "mobile"), mobile[order].astype(np.int8)),
        ],
        schema=SCHEMAS["portal_logins"],
    )


def _campaign_send_days(timeline: Timeline) -> tuple[np.ndarray, list[str]]:
    """One campaign a month, sent on the month's first Tuesday, for every month the span touches."""
    months = np.arange(
        np.datetime64(timeline.span_start, "D").astype("datetime64[M]"),
        np.datetime64(timeline.span_end, "D").astype("datetime64[M]") + 1,
    )
    month_starts = months.astype("datetime64[D]").astype(np.int64)
    campaign_ids = [f"CMP-{month}" for month in np.datetime_as_string(months, unit="M")]
    return month_starts + (1 - _weekday(month_starts)) % 7, campaign_ids


def _email_events_table(
    rng: np.random.Generator, population: Population, coverage: Coverage, timeline: Timeline
) -> pa.Table:
    """Every covered member gets each monthly send; opens (re-opens count) follow a send, clicks an open."""
    n = population.persona.size
    send_day, campaign_ids = _campaign_send_days(timeline)
    n_campaigns = send_day.size
    send_at = (
        send_day * US_PER_DAY
        + CAMPAIGN_SEND_HOUR * US_PER_HOUR
        + rng.integers(0, CAMPAIGN_SEND_SPREAD_US, size=(n, n_campaigns))
    )
    received = coverage.covers(np.arange(n)[:, None], send_day)
    sent_member, sent_campaign = np.nonzero(received)

    in_window = int(((send_day > timeline.window_start) & (send_day <= timeline.as_of)).sum())
    open_member = _event_members(rng, population.rates("email_opens"), n_campaigns / in_window)
    open_campaign = rng.integers(0, n_campaigns, size=open_member.size)
    kept = received[open_member, open_campaign]
    open_member, open_campaign = open_member[kept], open_campaign[kept]
    delay = np.minimum(rng.lognormal(np.log(4 * US_PER_HOUR), 1.3, size=open_member.size), 14 * US_PER_DAY)
    open_at = send_at[open_member, open_campaign] + delay.astype(np.int64)

    click_p = _persona_values("click_rate")[population.persona[open_member]]
    clicked = rng.random(open_member.size) < click_p
    click_at = open_at[clicked] + rng.integers(5 * US_PER_SECOND, 10 * US_PER_MINUTE, size=int(clicked.sum()))

    member_idx = np.concatenate([sent_member, open_member, open_member[clicked]])
    campaign = np.concatenate([sent_campaign, open_campaign, open_campaign[clicked]])
    event_type = np.repeat(np.arange(3, dtype=np.int8), [sent_member.size, open_member.size, click_at.size])
    at = np.concatenate([send_at[sent_member, sent_campaign], open_at, click_at])
    order = np.argsort(at, kind="stable")
    return pa.Table.from_arrays(
        [
            population.member_ids.take(pa.array(member_idx[order])),
            _labels(campaign_ids, campaign[order]),
            _labels(("sent", "open", "click"), event_type[order]),
            pa.array(at[order], type=pa.timestamp("us")),
        ],
        schema=SCHEMAS["email_events"],
    )


def _call_reason_weights(persona: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Persona reason mix, seasonally bent: renewals in open enrollment, ID cards in January, subsidy at tax time."""
    weights = np.array([p.call_reason_weights for p in PERSONAS])[persona]
    month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
    weights[:, CALL_REASONS.index("renewal")] *= np.where(np.isin(month, (11, 12, 1)), 3.0, 1.0)
    weights[:, CALL_REASONS.index("id_card")] *= np.where(month == 1, 2.5, 1.0)
    weights[:, CALL_REASONS.index("subsidy")] *= np.where(np.isin(month, (2, 3, 4)), 1.8, 1.0)
    return weights


def _move_calls_to_open_days(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    """Calls that would land on Sunday, or on Saturday beyond its short shift, wait for the next weekday."""
    weekday = _weekday(day)
    closed = (weekday == 6) | ((weekday == 5) & (rng.random(day.size) >= SATURDAY_CALLS_KEPT))
    next_weekday = day + (7 - weekday) + rng.integers(0, 5, size=day.size)
    return np.where(closed, next_weekday, day)


def _call_center_table(
    rng: np.random.Generator, population: Population, timeline: Timeline, first_id: int
) -> tuple[pa.Table, int]:
    """Contacts Monday to Saturday in business hours, and how many contacts (ids) they are.

    Some are transferred, giving two rows per contact_id. Calls are not limited to coverage: lapsed and
    prospective members call too.
    """
    member_idx = _event_members(rng, population.rates("call_center"), timeline.span_to_window)
    day = _event_days(rng, member_idx.size, timeline)
    day = _move_calls_to_open_days(rng, day)
    if population.first_day is not None and population.last_day is not None:
        active = (population.first_day[member_idx] <= day) & (day <= population.last_day[member_idx])
        member_idx, day = member_idx[active], day[active]
    at = day * US_PER_DAY + _times_of_day(rng, CALL_HOUR_WEIGHTS, day.size)
    order = np.argsort(at, kind="stable")
    member_idx, day, at = member_idx[order], day[order], at[order]

    transferred = np.flatnonzero(rng.random(at.size) < TRANSFERRED_CALL_SHARE)
    contact_idx = np.concatenate([np.arange(at.size), transferred])
    row_at = np.concatenate(
        [at, at[transferred] + rng.integers(2 * US_PER_MINUTE, 15 * US_PER_MINUTE, transferred.size)]
    )
    row_member = member_idx[contact_idx]
    reason = _choose_per_row(rng, _call_reason_weights(population.persona[row_member], day[contact_idx]))
    rows = np.lexsort((row_at, contact_idx))
    table = pa.Table.from_arrays(
        [
            _format_ids("K", contact_idx[rows] + first_id, 9),
            population.member_ids.take(pa.array(row_member[rows])),
            pa.array(row_at[rows], type=pa.timestamp("us")),
            _labels(CALL_REASONS, reason[rows]),
        ],
        schema=SCHEMAS["call_center_contacts"],
    )
    return table, at.size


# --- output ------------------------------------------------------------------------------------------------


class _ExtractWriters:
    """One open file per extract and the truth, appended to chunk by chunk; counts the extracts' rows.

    A snapshot of a series also gets the truth of who changed since the previous one (with_changes).
    """

    def __init__(self, out_dir: Path, file_format: str, with_changes: bool = False) -> None:
        self._out_dir, self._format, self._with_changes = out_dir, file_format, with_changes
        self._stack = ExitStack()
        self._writers: dict[str, pq.ParquetWriter | pacsv.CSVWriter] = {}
        self.rows = dict.fromkeys(SCHEMAS, 0)

    def __enter__(self) -> _ExtractWriters:
        (self._out_dir / TRUTH_PATH.parent).mkdir(parents=True, exist_ok=True)
        for name, schema in SCHEMAS.items():
            writer = _open_writer(self._out_dir / f"{name}.{self._format}", schema, self._format)
            self._writers[name] = self._stack.enter_context(writer)
        self._writers["truth"] = self._stack.enter_context(_open_writer(self._out_dir / TRUTH_PATH, TRUTH_SCHEMA))
        if self._with_changes:
            changes = _open_writer(self._out_dir / CHANGES_PATH, CHANGES_SCHEMA)
            self._writers["changes"] = self._stack.enter_context(changes)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def append(self, name: str, table: pa.Table) -> None:
        self._writers[name].write_table(table)
        if name in self.rows:
            self.rows[name] += table.num_rows


# Each event extract's date column: a snapshot holds the rows its span covers.
EVENT_DATE_COLUMNS = {
    "claims": "service_date",
    "portal_logins": "login_at",
    "email_events": "event_at",
    "call_center_contacts": "contact_at",
}


class _SnapshotWriters:
    """The extract writers of every snapshot, and which of a chunk's rows each snapshot gets."""

    def __init__(self, out_dirs: list[Path], file_format: str, timeline: Timeline) -> None:
        self._timeline = timeline
        self._stack = ExitStack()
        self._writers = [_ExtractWriters(out_dir, file_format, with_changes=len(out_dirs) > 1) for out_dir in out_dirs]

    def __enter__(self) -> _SnapshotWriters:
        for writers in self._writers:
            self._stack.enter_context(writers)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    @property
    def rows(self) -> list[dict[str, int]]:
        return [writers.rows for writers in self._writers]

    def append_to_every_snapshot(self, name: str, table: pa.Table) -> None:
        for writers in self._writers:
            writers.append(name, table)

    def append_truth(self, snapshot: int, truth: pa.Table, changes: pa.Table | None) -> None:
        self._writers[snapshot].append("truth", truth)
        if changes is not None:
            self._writers[snapshot].append("changes", changes)

    def append_enrollments(self, table: pa.Table) -> None:
        """Every snapshot holds the enrollments that start by the end of its span (as events do)."""
        starts = table.column("coverage_start").to_numpy().astype("datetime64[D]").astype(np.int64)
        for writers, snapshot in zip(self._writers, self._timeline.snapshots, strict=True):
            known = starts <= snapshot.span_end
            writers.append("enrollments", table if known.all() else table.filter(pa.array(known)))

    def append_events(
        self, name: str, table: pa.Table, *, hidden_in_last: pa.Array | None = None, only_last: bool = False
    ) -> None:
        """The event rows each snapshot's span holds; the last snapshot leaves out hidden_in_last's members,
        and rows only_last go to the last snapshot alone."""
        column = table.column(EVENT_DATE_COLUMNS[name]).to_numpy()
        days = column.astype("datetime64[D]").astype(np.int64)
        last = len(self._writers) - 1
        for position, (writers, snapshot) in enumerate(zip(self._writers, self._timeline.snapshots, strict=True)):
            if only_last and position != last:
                continue
            # The history's own edges are not cut: a weekend claim or call moved to Monday may pass its end.
            kept = np.ones(days.size, dtype=bool)
            if snapshot.span_start > self._timeline.span_start:
                kept &= snapshot.span_start <= days
            if snapshot.span_end < self._timeline.span_end:
                kept &= days <= snapshot.span_end
            if position == last and hidden_in_last is not None and len(hidden_in_last):
                kept &= ~pc.is_in(table.column("member_id"), value_set=hidden_in_last).to_numpy(zero_copy_only=False)
            writers.append(name, table if kept.all() else table.filter(pa.array(kept)))


def _open_writer(path: Path, schema: pa.Schema, file_format: str = "parquet") -> pq.ParquetWriter | pacsv.CSVWriter:
    if file_format == "parquet":
        return pq.ParquetWriter(path, schema, compression="zstd")
    return pacsv.CSVWriter(path, schema)

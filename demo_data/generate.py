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
"""

from __future__ import annotations

import calendar
import datetime as dt
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
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

# One random stream per purpose: adding draws to one table must not shift another's.
STREAMS = ("population", *SCHEMAS)

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


@dataclass(frozen=True)
class Timeline:
    """The as-of date, the 12-month lookback window and the wider span events are drawn from, in epoch days."""

    as_of: int
    window_start: int  # exclusive: the window is (window_start, as_of]
    span_start: int
    span_end: int  # inclusive
    year: int

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
    """One chunk's member-level draws every table depends on; arrays are indexed by member position in the chunk."""

    member_ids: pa.Array
    persona: np.ndarray
    age: np.ndarray
    activity_rates: np.ndarray  # (n_members, len(ACTIVITIES)) expected events per 12 months

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
    if n_members < 1:
        raise ValueError(f"n_members must be positive, got {n_members}")
    if file_format not in FILE_FORMATS:
        raise ValueError(f"file_format must be one of {FILE_FORMATS}, got {file_format!r}")
    out_dir = Path(out_dir)
    (out_dir / TRUTH_PATH.parent).mkdir(parents=True, exist_ok=True)
    timeline = _timeline(as_of_date)
    plans_rng = _rng(seed, "plans")
    lineup = PlanLineup(table=_plans_table(plans_rng, timeline.year), rates=_plan_rates(plans_rng))
    with _ExtractWriters(out_dir, file_format) as writers:
        writers.append("plans", lineup.table)
        first_ids = FirstIds()
        for chunk, first_member in enumerate(range(0, n_members, chunk_members)):
            members = range(first_member, min(first_member + chunk_members, n_members))
            first_ids = _write_chunk(
                writers, members, seed=seed, chunk=chunk, lineup=lineup, timeline=timeline, first_ids=first_ids
            )
    return writers.rows


def _write_chunk(
    writers: _ExtractWriters,
    members: range,
    *,
    seed: int,
    chunk: int,
    lineup: PlanLineup,
    timeline: Timeline,
    first_ids: FirstIds,
) -> FirstIds:
    """Generate one chunk of members and append every table's rows; return where the next chunk's ids start.

    Each event table is built, written and dropped before the next to keep peak memory low.
    """
    population = _draw_population(_rng(seed, "population", chunk), members)
    writers.append("truth", _truth_table(population))
    writers.append("members", _members_table(_rng(seed, "members", chunk), population, timeline))
    enrollments, coverage = _enrollments(
        _rng(seed, "enrollments", chunk), population, lineup, timeline, first_ids.enrollment
    )
    writers.append("enrollments", enrollments)
    claims, claim_count = _claims_table(_rng(seed, "claims", chunk), population, coverage, timeline, first_ids.claim)
    writers.append("claims", claims)
    del claims  # dropped before the next table is built
    writers.append(
        "portal_logins", _portal_logins_table(_rng(seed, "portal_logins", chunk), population, coverage, timeline)
    )
    writers.append(
        "email_events", _email_events_table(_rng(seed, "email_events", chunk), population, coverage, timeline)
    )
    contacts, contact_count = _call_center_table(
        _rng(seed, "call_center_contacts", chunk), population, timeline, first_ids.contact
    )
    writers.append("call_center_contacts", contacts)
    return FirstIds(
        enrollment=first_ids.enrollment + enrollments.num_rows,
        claim=first_ids.claim + claim_count,
        contact=first_ids.contact + contact_count,
    )


# --- time --------------------------------------------------------------------------------------------------


def _rng(seed: int, stream: str, chunk: int | None = None) -> np.random.Generator:
    """The stream of one purpose (and chunk): shared draws such as the plans take no chunk."""
    spawn_key = (STREAMS.index(stream),) if chunk is None else (STREAMS.index(stream), chunk)
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=spawn_key))


def _shift_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic that clamps to the month's last day (Mar 31 - 1 month = Feb 28/29)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


def _epoch_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _timeline(as_of_date: dt.date) -> Timeline:
    """Events span ~15 months before to ~1 month after the as-of date, wider than the 12-month window."""
    return Timeline(
        as_of=_epoch_day(as_of_date),
        window_start=_epoch_day(_shift_months(as_of_date, -12)),
        span_start=_epoch_day(_shift_months(as_of_date, -15)) + 1,
        span_end=_epoch_day(_shift_months(as_of_date, 1)),
        year=as_of_date.year,
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
    """Put some events at the first or last microsecond of each window boundary day.

    The pipeline counts timestamps by date, so 23:59:59.999999 on the as-of date is in and 00:00 the day
    after is out; these make an off-by-one filter visible.
    """
    day = at_us // US_PER_DAY
    pinned = rng.random(at_us.size) < WINDOW_EDGE_PIN_SHARE
    last_instant = pinned & ((day == timeline.as_of) | (day == timeline.window_start))
    first_instant = pinned & ((day == timeline.as_of + 1) | (day == timeline.window_start + 1))
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
    rng: np.random.Generator, population: Population, lineup: PlanLineup, timeline: Timeline, first_id: int
) -> tuple[pa.Table, Coverage]:
    """Enrollment rows for every member's slots, and the coverage intervals events must respect.

    Rows are ordered by coverage_start so enrollment ids grow over time within a chunk, as a source system's would.
    """
    n = population.persona.size
    starts, ends = _enrollment_slots(rng, n, timeline)
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
    """One open file per extract and the truth, appended to chunk by chunk; counts the extracts' rows."""

    def __init__(self, out_dir: Path, file_format: str) -> None:
        self._out_dir, self._format = out_dir, file_format
        self._stack = ExitStack()
        self._writers: dict[str, pq.ParquetWriter | pacsv.CSVWriter] = {}
        self.rows = dict.fromkeys(SCHEMAS, 0)

    def __enter__(self) -> _ExtractWriters:
        for name, schema in SCHEMAS.items():
            writer = _open_writer(self._out_dir / f"{name}.{self._format}", schema, self._format)
            self._writers[name] = self._stack.enter_context(writer)
        self._writers["truth"] = self._stack.enter_context(_open_writer(self._out_dir / TRUTH_PATH, TRUTH_SCHEMA))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def append(self, name: str, table: pa.Table) -> None:
        self._writers[name].write_table(table)
        if name in self.rows:
            self.rows[name] += table.num_rows


def _open_writer(path: Path, schema: pa.Schema, file_format: str = "parquet") -> pq.ParquetWriter | pacsv.CSVWriter:
    if file_format == "parquet":
        return pq.ParquetWriter(path, schema, compression="zstd")
    return pacsv.CSVWriter(path, schema)

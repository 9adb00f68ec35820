"""The four event extracts (claims, portal logins, email events, call-center contacts), drawn from each
member's activity rates over the timeline's span."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS
from segmentation_tools.demo_data.draws import choose_per_row, format_ids, labels
from segmentation_tools.demo_data.enrollments import Coverage
from segmentation_tools.demo_data.members import Population
from segmentation_tools.demo_data.personas import CALL_REASONS, PERSONAS, persona_values
from segmentation_tools.demo_data.timeline import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    US_PER_SECOND,
    Timeline,
    pin_times_at_window_edges,
    times_of_day,
    weekday_of,
)

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


def _event_members(rng: np.random.Generator, rates: np.ndarray, scale: float) -> np.ndarray:
    """Member index per event; `scale` stretches the 12-month rate to the span events are drawn over."""
    return np.repeat(np.arange(rates.size), rng.poisson(rates * scale))


def _event_days(rng: np.random.Generator, size: int, timeline: Timeline) -> np.ndarray:
    return timeline.span_start + rng.integers(0, timeline.span_days, size=size)


def claims_table(
    rng: np.random.Generator, population: Population, coverage: Coverage, timeline: Timeline, first_id: int
) -> tuple[pa.Table, int]:
    """Claims of 1-5 lines, and how many claims (ids) they are.

    Medical visits fall mostly on weekdays; paid amounts are shrunk by the deductible.
    """
    member_idx = _event_members(rng, population.rates("claims"), timeline.span_to_window)
    day = _event_days(rng, member_idx.size, timeline)
    pharmacy = rng.random(member_idx.size) < persona_values("pharmacy_share")[population.persona[member_idx]]
    weekday = weekday_of(day)
    moved = ~pharmacy & (weekday >= 5) & (rng.random(day.size) < WEEKEND_MEDICAL_MOVED_TO_MONDAY)
    day = np.where(moved, day + 7 - weekday, day)
    kept = coverage.covers(member_idx, day)
    member_idx, day, pharmacy = member_idx[kept], day[kept], pharmacy[kept]
    order = np.lexsort((member_idx, day))
    member_idx, day, pharmacy = member_idx[order], day[order], pharmacy[order]

    line_p = np.where(pharmacy[:, None], PHARMACY_LINE_COUNT_P, MEDICAL_LINE_COUNT_P)
    lines = choose_per_row(rng, line_p) + 1
    claim_idx = np.repeat(np.arange(member_idx.size), lines)
    line_member, line_pharmacy = member_idx[claim_idx], pharmacy[claim_idx]
    table = pa.Table.from_arrays(
        [
            format_ids("C", claim_idx + first_id, 10),
            population.member_ids.take(pa.array(line_member)),
            pa.array(day[claim_idx].astype(np.int32), type=pa.date32()),
            labels(("medical", "pharmacy"), line_pharmacy.astype(np.int8)),
            pa.array(_paid_amounts(rng, line_pharmacy, coverage.deductible[line_member])),
        ],
        schema=EXTRACT_SCHEMAS["claims"],
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


def portal_logins_table(
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
        times_of_day(rng, LOGIN_HOUR_WEIGHTS_MOBILE, member_idx.size),
        times_of_day(rng, LOGIN_HOUR_WEIGHTS_WEB, member_idx.size),
    )
    at = pin_times_at_window_edges(rng, day * US_PER_DAY + time_of_day, timeline)
    order = np.argsort(at, kind="stable")
    return pa.Table.from_arrays(
        [
            population.member_ids.take(pa.array(member_idx[order])),
            pa.array(at[order], type=pa.timestamp("us")),
            labels(("web", "mobile"), mobile[order].astype(np.int8)),
        ],
        schema=EXTRACT_SCHEMAS["portal_logins"],
    )


def _campaign_send_days(timeline: Timeline) -> tuple[np.ndarray, list[str]]:
    """One campaign a month, sent on the month's first Tuesday, for every month the span touches."""
    months = np.arange(
        np.datetime64(timeline.span_start, "D").astype("datetime64[M]"),
        np.datetime64(timeline.span_end, "D").astype("datetime64[M]") + 1,
    )
    month_starts = months.astype("datetime64[D]").astype(np.int64)
    campaign_ids = [f"CMP-{month}" for month in np.datetime_as_string(months, unit="M")]
    return month_starts + (1 - weekday_of(month_starts)) % 7, campaign_ids


def email_events_table(
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

    click_p = persona_values("click_rate")[population.persona[open_member]]
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
            labels(campaign_ids, campaign[order]),
            labels(("sent", "open", "click"), event_type[order]),
            pa.array(at[order], type=pa.timestamp("us")),
        ],
        schema=EXTRACT_SCHEMAS["email_events"],
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
    weekday = weekday_of(day)
    closed = (weekday == 6) | ((weekday == 5) & (rng.random(day.size) >= SATURDAY_CALLS_KEPT))
    next_weekday = day + (7 - weekday) + rng.integers(0, 5, size=day.size)
    return np.where(closed, next_weekday, day)


def call_center_table(
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
    at = day * US_PER_DAY + times_of_day(rng, CALL_HOUR_WEIGHTS, day.size)
    order = np.argsort(at, kind="stable")
    member_idx, day, at = member_idx[order], day[order], at[order]

    transferred = np.flatnonzero(rng.random(at.size) < TRANSFERRED_CALL_SHARE)
    contact_idx = np.concatenate([np.arange(at.size), transferred])
    row_at = np.concatenate(
        [at, at[transferred] + rng.integers(2 * US_PER_MINUTE, 15 * US_PER_MINUTE, transferred.size)]
    )
    row_member = member_idx[contact_idx]
    reason = choose_per_row(rng, _call_reason_weights(population.persona[row_member], day[contact_idx]))
    rows = np.lexsort((row_at, contact_idx))
    table = pa.Table.from_arrays(
        [
            format_ids("K", contact_idx[rows] + first_id, 9),
            population.member_ids.take(pa.array(row_member[rows])),
            pa.array(row_at[rows], type=pa.timestamp("us")),
            labels(CALL_REASONS, reason[rows]),
        ],
        schema=EXTRACT_SCHEMAS["call_center_contacts"],
    )
    return table, at.size

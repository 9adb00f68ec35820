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
the last snapshot is a deliberately shifted population, to test drift monitoring. Members in the outreach group
of one snapshot whose persona's action works log in more before the next (outreach_effects: a known lift for
outreach_lift to recover). The truth of every snapshot (each member's persona then, and who changed) is written
beside its extracts.

This module is the entry point and the chunk loop; each part of the plan has its own module: contract (the
extracts' schemas, read from the sources yml), personas, members, plans, enrollments, events, contact_preferences,
changes (behaviour that changes between snapshots), outreach_effects, truth, writers, and timeline and draws (days
and random streams).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from segmentation_tools.demo_data.changes import (
    behaviour_changes,
    event_behaviours,
    population_shift,
    shifted_behaviours,
)
from segmentation_tools.demo_data.contact_preferences import contact_preferences_table
from segmentation_tools.demo_data.draws import random_stream
from segmentation_tools.demo_data.enrollments import Coverage, draw_enrollments
from segmentation_tools.demo_data.events import (
    call_center_table,
    claims_table,
    email_events_table,
    portal_logins_table,
)
from segmentation_tools.demo_data.marker import DemoPlan, remove_marker, write_marker
from segmentation_tools.demo_data.members import Population, draw_population, members_table
from segmentation_tools.demo_data.outreach_effects import planted_logins
from segmentation_tools.demo_data.plans import PlanLineup, plan_rates, plans_table
from segmentation_tools.demo_data.timeline import Timeline, build_timeline, shift_months
from segmentation_tools.demo_data.truth import truth_tables
from segmentation_tools.demo_data.writers import SnapshotWriters

FILE_FORMATS = ("parquet", "csv")
# Members per chunk: each chunk's tables peak at about 0.8 GB, far below the whole plan's at millions of members.
CHUNK_MEMBERS = 250_000


@dataclass(frozen=True)
class FirstIds:
    """The numbers a chunk's enrollment, claim and contact ids start from, so ids stay unique across chunks."""

    enrollment: int = 1
    claim: int = 1
    contact: int = 1


def generate_extracts(
    n_members: int,
    out_dir: Path,
    as_of_date: dt.date,
    seed: int = 42,
    file_format: str = "parquet",
    *,
    chunk_members: int = CHUNK_MEMBERS,
) -> dict[str, int]:
    """Write the eight raw extracts and the planted-persona truth; return rows written per extract.

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
    dates = [shift_months(last, -back) for back in range(snapshots - 1, -1, -1)]
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
    for out_dir in out_dirs.values():
        remove_marker(out_dir)
    timeline = build_timeline(list(out_dirs))
    plans_rng = random_stream(seed, "plans")
    lineup = PlanLineup(table=plans_table(plans_rng, timeline.year), rates=plan_rates(plans_rng))
    with SnapshotWriters(list(out_dirs.values()), file_format, timeline) as writers:
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
    for as_of, out_dir in out_dirs.items():
        plan = DemoPlan(n_members, as_of.isoformat(), seed, file_format, len(out_dirs), change_share, shift_share)
        write_marker(out_dir, plan)
    return dict(zip(out_dirs, writers.rows, strict=True))


def _write_chunk(
    writers: SnapshotWriters,
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
    population = draw_population(random_stream(seed, "population", chunk), members)
    several = len(timeline.snapshots) > 1
    changes = (
        behaviour_changes(random_stream(seed, "behaviour_changes", chunk), population, timeline, change_share)
        if several
        else None
    )
    shift = (
        population_shift(random_stream(seed, "population_shift", chunk), population, shift_share, changes)
        if shift_share
        else None
    )
    for snapshot, truth in enumerate(truth_tables(population, timeline, changes, shift)):
        writers.append_truth(snapshot, *truth)
    writers.append_to_every_snapshot(
        "members", members_table(random_stream(seed, "members", chunk), population, timeline)
    )
    enrollments, coverage = draw_enrollments(
        random_stream(seed, "enrollments", chunk),
        population,
        lineup,
        timeline,
        first_ids.enrollment,
        turnover_rng=random_stream(seed, "turnover", chunk) if several else None,
    )
    writers.append_enrollments(enrollments)
    preferences_rng = random_stream(seed, "contact_preferences", chunk)
    preferences = contact_preferences_table(preferences_rng, population.member_ids, timeline)
    writers.append_recorded_by_as_of("contact_preferences", preferences, "updated_at")
    behaviours, behaviour_coverage = event_behaviours(population, coverage, changes)
    hidden = population.member_ids.filter(pa.array(shift.mask)) if shift is not None else None
    first_ids = _write_events(
        writers, behaviours, behaviour_coverage, timeline, first_ids, seed=seed, chunk=chunk, hidden_in_last=hidden
    )
    if several:
        planted = planted_logins(random_stream(seed, "outreach_effects", chunk), population, changes, timeline)
        writers.append_recorded_by_as_of("portal_logins", planted, "login_at")
    if shift is not None:
        shifted, shifted_coverage = shifted_behaviours(population, coverage, shift)
        first_ids = _write_events(
            writers, shifted, shifted_coverage, timeline, first_ids, seed=seed, chunk=chunk, only_last=True
        )
    return FirstIds(
        enrollment=first_ids.enrollment + enrollments.num_rows, claim=first_ids.claim, contact=first_ids.contact
    )


def _write_events(
    writers: SnapshotWriters,
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
    claims, claim_count = claims_table(
        random_stream(seed, "claims", chunk, *extra), population, coverage, timeline, first_ids.claim
    )
    writers.append_events("claims", claims, **route)
    del claims  # dropped before the next table is built
    logins = portal_logins_table(random_stream(seed, "portal_logins", chunk, *extra), population, coverage, timeline)
    writers.append_events("portal_logins", logins, **route)
    del logins
    emails = email_events_table(random_stream(seed, "email_events", chunk, *extra), population, coverage, timeline)
    writers.append_events("email_events", emails, **route)
    del emails
    contacts, contact_count = call_center_table(
        random_stream(seed, "call_center_contacts", chunk, *extra), population, timeline, first_ids.contact
    )
    writers.append_events("call_center_contacts", contacts, **route)
    return FirstIds(
        enrollment=first_ids.enrollment,
        claim=first_ids.claim + claim_count,
        contact=first_ids.contact + contact_count,
    )

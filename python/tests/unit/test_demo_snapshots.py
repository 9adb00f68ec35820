"""Monthly snapshots of one demo plan: one population and one event history, cut per as-of date, with entries,
exits, true behaviour changes and, on request, a shifted last snapshot; the truth written beside each."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS
from segmentation_tools.demo_data.generate import generate_snapshots, monthly_as_of_dates

MEMBERS = 3_000
CHUNK_MEMBERS = 1_100  # three chunks, so every property holds across chunk boundaries
DATES = [date(2025, 10, 31), date(2025, 11, 30), date(2025, 12, 31)]
IDS = {"claims": ["claim_id"], "call_center_contacts": ["contact_id"]}


def generate(out: Path, **options) -> Path:
    generate_snapshots(MEMBERS, out, DATES, seed=42, chunk_members=CHUNK_MEMBERS, **options)
    return out


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture(scope="module")
def shifted(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("shifted"), shift_share=0.4)


def read(root: Path, day: date, table: str) -> pd.DataFrame:
    return pd.read_parquet(root / day.isoformat() / f"{table}.parquet")


def truth(root: Path, day: date, name: str = "planted_personas") -> pd.DataFrame:
    return pd.read_parquet(root / day.isoformat() / "_truth" / f"{name}.parquet")


def covered_on(enrollments: pd.DataFrame, day: date) -> set[str]:
    as_of = pd.Timestamp(day)
    start = pd.to_datetime(enrollments["coverage_start"])
    end = pd.to_datetime(enrollments["coverage_end"])
    return set(enrollments.loc[(start <= as_of) & (end.isna() | (end >= as_of)), "member_id"])


def test_monthly_as_of_dates_end_on_the_last_and_keep_month_ends():
    assert monthly_as_of_dates(date(2025, 12, 31), 3) == DATES
    assert monthly_as_of_dates(date(2025, 3, 31), 2) == [date(2025, 2, 28), date(2025, 3, 31)]
    assert monthly_as_of_dates(date(2025, 12, 15), 2) == [date(2025, 11, 15), date(2025, 12, 15)]


def test_each_snapshot_is_a_folder_of_the_contract_extracts_and_its_truth(snapshots):
    for day in DATES:
        folder = snapshots / day.isoformat()
        assert {path.name for path in folder.glob("*.parquet")} == {f"{table}.parquet" for table in EXTRACT_SCHEMAS}
        assert {path.name for path in (folder / "_truth").iterdir()} == {
            "planted_personas.parquet",
            "behaviour_changes.parquet",
        }


def test_every_snapshot_holds_the_same_members(snapshots):
    first = read(snapshots, DATES[0], "members")

    assert len(first) == MEMBERS
    for day in DATES[1:]:
        pd.testing.assert_frame_equal(read(snapshots, day, "members"), first)


@pytest.mark.parametrize(("table", "column"), [("claims", "service_date"), ("portal_logins", "login_at")])
def test_snapshots_share_one_event_history_but_the_outreach_effect_after_the_earlier_date(snapshots, table, column):
    earlier, later = read(snapshots, DATES[0], table), read(snapshots, DATES[1], table)
    overlap_start = pd.to_datetime(later[column]).min().normalize()
    overlap_end = pd.to_datetime(earlier[column]).max()

    def overlap(rows: pd.DataFrame) -> pd.DataFrame:
        moments = pd.to_datetime(rows[column])
        kept = rows[(moments >= overlap_start) & (moments <= overlap_end)]
        return kept.sort_values(list(kept.columns), ignore_index=True)

    assert pd.to_datetime(later[column]).max() > overlap_end  # the later snapshot reaches a month further
    assert len(overlap(earlier)) > 0.8 * len(earlier)
    both = overlap(earlier).merge(overlap(later), how="outer", indicator=True)
    assert (both["_merge"] != "left_only").all()  # the later snapshot holds every row of the earlier one
    # ... and, of logins, also the outreach effect planted after the earlier as-of date (outreach_effects), which
    # happened after its extract was taken.
    added = pd.to_datetime(both.loc[both["_merge"] == "right_only", column])
    assert (table == "portal_logins") == (len(added) > 0)
    assert (added.dt.date > DATES[0]).all()
    assert (added.dt.date <= DATES[1]).all()


def test_members_enrol_and_leave_between_snapshots(snapshots):
    covered = [covered_on(read(snapshots, day, "enrollments"), day) for day in DATES]

    for earlier, later in pairwise(covered):
        assert 0.005 * MEMBERS < len(later - earlier) < 0.05 * MEMBERS  # entered
        assert 0.005 * MEMBERS < len(earlier - later) < 0.05 * MEMBERS  # left
        assert len(earlier & later) > 0.85 * MEMBERS


def test_about_the_change_share_of_members_truly_change_behaviour_each_month(snapshots):
    assert truth(snapshots, DATES[0], "behaviour_changes").empty
    for previous_day, day in pairwise(DATES):
        changes = truth(snapshots, day, "behaviour_changes")
        changed_on = pd.to_datetime(changes["changed_on"])
        before = truth(snapshots, previous_day).set_index("member_id")["planted_persona"]
        now = truth(snapshots, day).set_index("member_id")["planted_persona"]

        assert 0.03 * MEMBERS < len(changes) < 0.07 * MEMBERS
        assert changes["member_id"].is_unique
        assert ((changed_on > pd.Timestamp(previous_day)) & (changed_on <= pd.Timestamp(day))).all()
        assert set(changes["change"]) == {"behaviour"}
        assert (changes["from_persona"] != changes["to_persona"]).all()
        assert (now[changes["member_id"]].to_numpy() == changes["to_persona"].to_numpy()).all()
        assert (before[changes["member_id"]].to_numpy() == changes["from_persona"].to_numpy()).all()
        assert set(now.index[now != before]) == set(changes["member_id"])


def test_new_high_utilizers_claim_far_more_after_their_change_than_before(snapshots):
    changes = truth(snapshots, DATES[2], "behaviour_changes")
    new_high_utilizers = changes[
        (changes["to_persona"] == "Care Management Members") & (changes["from_persona"] == "Digital Learners")
    ].set_index("member_id")["changed_on"]
    claims = read(snapshots, DATES[2], "claims").drop_duplicates("claim_id")
    claims = claims[claims["member_id"].isin(new_high_utilizers.index)]
    after = pd.to_datetime(claims["service_date"]) >= pd.to_datetime(claims["member_id"].map(new_high_utilizers))

    first_day = pd.Timestamp("2024-10-01")
    days_before = (pd.to_datetime(new_high_utilizers) - first_day).dt.days.sum()
    days_after = (pd.Timestamp("2026-01-31") - pd.to_datetime(new_high_utilizers)).dt.days.sum()
    assert len(new_high_utilizers) >= 5
    assert (after.sum() / days_after) > 5 * ((~after).sum() / days_before)


def test_a_shifted_last_snapshot_leaves_the_earlier_snapshots_as_they_were(snapshots, shifted):
    for day in DATES[:2]:
        for table in EXTRACT_SCHEMAS:
            pd.testing.assert_frame_equal(
                read(shifted, day, table).drop(columns=IDS.get(table, [])),
                read(snapshots, day, table).drop(columns=IDS.get(table, [])),
            )
        pd.testing.assert_frame_equal(truth(shifted, day), truth(snapshots, day))


def test_a_shifted_last_snapshot_gives_the_shift_share_another_personas_activity(snapshots, shifted):
    changes = truth(shifted, DATES[2], "behaviour_changes")
    moved = changes.loc[changes["change"] == "population_shift", "member_id"]
    stable_logins = read(snapshots, DATES[2], "portal_logins")
    shifted_logins = read(shifted, DATES[2], "portal_logins")

    assert 0.35 * MEMBERS < len(moved) < 0.45 * MEMBERS
    assert changes.loc[changes["change"] == "population_shift", "changed_on"].isna().all()
    pd.testing.assert_frame_equal(
        shifted_logins[~shifted_logins["member_id"].isin(moved)].reset_index(drop=True),
        stable_logins[~stable_logins["member_id"].isin(moved)].reset_index(drop=True),
    )
    persona = truth(shifted, DATES[2]).set_index("member_id")["planted_persona"]
    assert (persona[moved].to_numpy() == changes.set_index("member_id").loc[moved, "to_persona"].to_numpy()).all()


def test_dates_must_increase_and_a_shift_needs_an_earlier_snapshot(tmp_path):
    with pytest.raises(ValueError, match="strictly increasing"):
        generate_snapshots(10, tmp_path, [DATES[1], DATES[0]])
    with pytest.raises(ValueError, match="at least two dates"):
        generate_snapshots(10, tmp_path, [DATES[0]], shift_share=0.3)
    with pytest.raises(ValueError, match="change_share"):
        generate_snapshots(10, tmp_path, DATES, change_share=1.5)


def test_snapshot_row_counts_match_the_files_written(tmp_path):
    rows = generate_snapshots(200, tmp_path, DATES[:2], chunk_members=150)

    for day, counts in rows.items():
        for table, count in counts.items():
            assert pq.ParquetFile(tmp_path / day.isoformat() / f"{table}.parquet").metadata.num_rows == count

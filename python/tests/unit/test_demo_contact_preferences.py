"""The demo contact preferences: a few percent of members opted out per outreach channel, histories where only
the latest row tells the current wish, and monthly snapshots that hold what was recorded by their as-of date."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from segmentation_tools import PROJECT_ROOT
from segmentation_tools.demo_data.generate import generate_extracts, generate_snapshots

MEMBERS = 20_000
DATES = [date(2025, 10, 31), date(2025, 11, 30), date(2025, 12, 31)]


@pytest.fixture(scope="module")
def preferences(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("preferences")
    generate_extracts(MEMBERS, out, DATES[-1], seed=7, chunk_members=7_000)
    return pd.read_parquet(out / "contact_preferences.parquet")


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("preference_snapshots")
    generate_snapshots(3_000, out, DATES, seed=42, chunk_members=1_100)
    return out


def latest(preferences: pd.DataFrame) -> pd.DataFrame:
    return preferences.sort_values("updated_at").groupby(["member_id", "channel"]).tail(1)


def test_preferences_are_about_the_channels_of_the_outreach_actions_seed(preferences):
    with (PROJECT_ROOT / "seeds" / "outreach_actions.csv").open(newline="", encoding="utf-8") as seed:
        channels = {row["outreach_channel"] for row in csv.DictReader(seed)}

    assert set(preferences["channel"]) == channels


def test_a_few_percent_of_members_are_opted_out_of_each_channel(preferences):
    opted_out = latest(preferences).query("opted_out").groupby("channel")["member_id"].nunique() / MEMBERS

    assert opted_out.between(0.02, 0.06).all(), opted_out


def test_some_opt_outs_are_reversed_so_only_the_latest_row_tells(preferences):
    histories = preferences.sort_values("updated_at").groupby(["member_id", "channel"])["opted_out"]
    first, last, rows = histories.first(), histories.last(), histories.size()

    assert first.all(), "every history starts with an opt-out"
    assert ((rows == 2) & ~last).sum() > 100, "opt-outs reversed by a later opt-in"
    assert ((rows == 3) & last).sum() > 30, "opt-outs reversed and made again"
    assert not preferences.duplicated(["member_id", "channel", "updated_at"]).any()


def test_each_snapshot_holds_the_preferences_recorded_by_its_as_of_date(snapshots):
    frames = [pd.read_parquet(snapshots / day.isoformat() / "contact_preferences.parquet") for day in DATES]

    for day, frame in zip(DATES, frames, strict=True):
        assert frame["updated_at"].dt.date.max() <= day
    for earlier, later, day in zip(frames, frames[1:], DATES, strict=False):
        recorded_by_then = later[later["updated_at"].dt.date <= day]
        pd.testing.assert_frame_equal(recorded_by_then.reset_index(drop=True), earlier.reset_index(drop=True))
        assert len(later) > len(earlier)

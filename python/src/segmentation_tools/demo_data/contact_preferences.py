"""The contact preferences extract: members opting out of (and some later back into) an outreach channel.

A few percent of members record a preference per channel over the history. Most record one opt-out; some reverse
it later (opt back in), and a few opt out again after that, so that only the latest row per member and channel
tells the member's current wish: a build that took any row but the latest would contact members who said no or
skip members who came back. Rows are recorded on days up to the last as-of date, and each snapshot holds those
recorded by its own as-of date (writers.SnapshotWriters.append_recorded_by_as_of).
"""

from __future__ import annotations

import csv

import numpy as np
import pyarrow as pa

from segmentation_tools import PROJECT_ROOT
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS
from segmentation_tools.demo_data.timeline import US_PER_DAY, Timeline

OUTREACH_ACTIONS_SEED = PROJECT_ROOT / "seeds" / "outreach_actions.csv"
# Share of members who record at least one preference for a channel, and how many rows they record: one opt-out,
# an opt-out reversed, or an opt-out reversed and made again. Currently opted out per channel: about
# 5% x (0.7 + 0.1) = 4%.
RECORDING_SHARE = 0.05
ROW_COUNT_SHARES = {1: 0.7, 2: 0.2, 3: 0.1}


def outreach_channels() -> tuple[str, ...]:
    """The channels of seed outreach_actions, sorted: the ones a preference can be about (written once, there)."""
    with OUTREACH_ACTIONS_SEED.open(newline="", encoding="utf-8") as seed:
        return tuple(sorted({row["outreach_channel"] for row in csv.DictReader(seed)}))


def contact_preferences_table(rng: np.random.Generator, member_ids: pa.Array, timeline: Timeline) -> pa.Table:
    """The preference rows of one chunk's members, in the order they were recorded per member and channel.

    Each recording member's rows alternate opt-out, opt-in, opt-out, at moments between the start of the
    history and the last as-of date, at a time of day drawn uniformly.
    """
    channels = outreach_channels()
    recording = rng.random((len(member_ids), len(channels))) < RECORDING_SHARE
    member_index, channel_index = np.nonzero(recording)
    shares = np.fromiter(ROW_COUNT_SHARES.values(), dtype=float)
    row_counts = np.fromiter(ROW_COUNT_SHARES, dtype=np.int64)[rng.choice(shares.size, member_index.size, p=shares)]
    first_day, last_day = timeline.span_start, timeline.as_of
    # Each recording draws as many moments as the longest history and keeps its first row_count, in time order.
    most = max(ROW_COUNT_SHARES)
    days = rng.integers(first_day, last_day + 1, size=(member_index.size, most))
    moments = np.sort(days * US_PER_DAY + rng.integers(0, US_PER_DAY, size=days.shape), axis=1)
    kept = np.arange(most)[None, :] < row_counts[:, None]
    updated_at = moments[kept]
    position = np.broadcast_to(np.arange(most), kept.shape)[kept]
    return pa.table(
        {
            "member_id": member_ids.take(pa.array(np.repeat(member_index, row_counts))),
            "channel": pa.array(channels, type=pa.string()).take(pa.array(np.repeat(channel_index, row_counts))),
            "opted_out": pa.array(position % 2 == 0),
            "updated_at": pa.array(updated_at, type=pa.timestamp("us")),
        },
        schema=EXTRACT_SCHEMAS["contact_preferences"],
    )

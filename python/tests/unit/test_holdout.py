"""The outreach holdout's Python function: reproducible, independent of the salt-free key, and the share it
holds out per segment. Its agreement with the SQL macro on every member of a build is checked end to end
(python/tests/end_to_end/test_outreach_lift.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from member_segmentation.holdout import HoldoutSettings, holdout_draw, is_held_out, project_holdout_settings

AS_OF = dt.date(2025, 12, 31)


def test_the_draw_is_the_first_32_bits_of_the_md5_of_member_date_and_salt():
    # `printf 'M0000001:2025-12-31:salt' | md5sum` is 24ff449646cea90798fb51766fe50b83: 0x24ff4496 / 2^32.
    assert holdout_draw("M0000001", AS_OF, "salt") == 0x24FF4496 / 2**32


def test_another_salt_or_month_draws_an_independent_holdout():
    members = [f"M{i:07d}" for i in range(20_000)]
    settings = HoldoutSettings(share=0.1, salt="a")

    this_month = is_held_out(members, AS_OF, settings)
    other_salt = is_held_out(members, AS_OF, HoldoutSettings(share=0.1, salt="b"))
    next_month = is_held_out(members, dt.date(2026, 1, 31), settings)

    # Independent draws overlap on share^2 of members (1%), far from the 10% of identical ones.
    assert abs((this_month & other_salt).mean() - 0.01) < 0.004
    assert abs((this_month & next_month).mean() - 0.01) < 0.004


def test_each_of_four_segments_of_100000_members_holds_out_the_share_within_one_point():
    # Segments of the demo's persona shares (35/25/15/25%): the draw ignores the segment, so each holds out the
    # share up to sampling error (3 standard errors at 15,000 members: 0.7 points).
    members = np.array([f"M{i:09d}" for i in range(100_000)])
    segment = np.random.default_rng(3).choice(4, size=members.size, p=[0.35, 0.25, 0.15, 0.25])
    settings = project_holdout_settings()

    held_out = is_held_out(members, AS_OF, settings)

    shares = [held_out[segment == s].mean() for s in range(4)]
    assert all(abs(share - settings.share) < 0.01 for share in shares), shares


def test_the_project_defaults_are_read_from_dbt_project_yml():
    settings = project_holdout_settings()

    assert settings.share == 0.10
    assert settings.salt

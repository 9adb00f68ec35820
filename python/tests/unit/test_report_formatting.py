"""The segment report's formatting: a missing value of any kind shows as a dash, numbers are rounded, members
without an action are counted as waiting, and the refresh verdict names the checks that fired."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from segmentation_tools.report.sections import NO_ACTION, _verdict, action_channel_matrix
from segmentation_tools.report.tables import MISSING, Column, format_cell, html_table


@pytest.mark.parametrize("value", [None, np.nan, pd.NaT, pd.NA, float("nan")])
@pytest.mark.parametrize("kind", ["count", "share", "points", "decimal", "ratio", "date", "text", "flag"])
def test_every_kind_of_missing_value_shows_as_a_dash(value, kind):
    assert format_cell(value, kind) == MISSING


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (1234567, "count", "1,234,567"),
        (0.35129, "share", "35.1%"),
        (0.00083, "share", "0.08%"),
        (-0.00001, "points", "0.00 pp"),
        (0.0123, "points", "+1.23 pp"),
        (2.71828, "decimal", "2.72"),
        (0.0234, "ratio", "0.023"),
        (1.3333, "ratio", "1.33"),
        (pd.Timestamp("2025-11-30"), "date", "2025-11-30"),
    ],
)
def test_numbers_are_rounded_for_reading(value, kind, shown):
    assert format_cell(value, kind) == shown


def test_a_table_built_from_a_frame_with_nulls_prints_none_of_them():
    frame = pd.DataFrame(
        {"name": ["a", None], "when": [pd.Timestamp("2025-12-31"), pd.NaT], "n": pd.array([1, None], dtype="Int64")}
    )
    page = html_table(frame, [Column("name", "Name"), Column("when", "When", "date"), Column("n", "N", "count")], "t")

    for text in ("NaN", "NaT", "<NA>", "None", "nan"):
        assert text not in page
    assert page.count(MISSING) == 3


def test_members_without_an_action_are_a_row_of_their_own_after_the_actions():
    counts = pd.DataFrame(
        {
            "recommended_action": ["Call", "Mail", None],
            "outreach_channel": ["phone", "email", None],
            "members": [10, 20, 5],
        }
    )

    matrix = action_channel_matrix(counts).set_index("action")

    assert matrix.index.tolist() == ["Call", "Mail", NO_ACTION]
    assert matrix.loc["Call", "phone"] == 10
    assert matrix.loc[NO_ACTION, MISSING] == 5
    assert matrix.sum().sum() == 35


def test_the_verdict_names_the_checks_that_fired():
    verdicts = pd.DataFrame({"previous_as_of_date": [pd.Timestamp("2025-11-30")], "needs_review": [True]})
    drift = pd.DataFrame(
        {
            "persona_change_flagged": [True, False],
            "centroid_shift_flagged": [False, False],
            "member_share_change_flagged": [False, True],
            "persona_fit_flagged": [False, False],
        }
    )

    style, headline, detail = _verdict(verdicts, drift)

    assert style == "alert"
    assert headline == "Refresh needs review before outreach goes out"
    assert detail == "Compared with 2025-11-30; over a limit: persona changes, share change."


def test_a_first_run_has_nothing_to_compare():
    verdicts = pd.DataFrame({"previous_as_of_date": [pd.NaT], "needs_review": [False]})

    assert _verdict(verdicts, None)[1] == "First run: nothing to compare yet"

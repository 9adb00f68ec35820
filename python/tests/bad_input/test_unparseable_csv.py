"""CSV carries text, so a date or an amount can be anything: a value that does not parse as its contract
type is quarantined row by row (the rule names the column), not a failed cast that stops the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bad_input.defects import CSV_DEFECTS, Quarantine, csv_defects, extracts_with, members_without_preferences
from tests.bad_input.support import latest_preferences, rejected, unreadable_preferences, write_extracts
from tests.support import BuildResult, query, run_build

pytestmark = pytest.mark.end_to_end


@pytest.fixture(scope="module")
def unparseable(clean, cast, tmp_path_factory) -> tuple[Path, BuildResult, dict[str, Quarantine]]:
    """Every CSV defect at once, as text cells their contract type cannot read."""
    defects = csv_defects(clean, cast)
    workdir = tmp_path_factory.mktemp("unparseable")
    extracts = extracts_with(clean, defects.values(), "csv")
    result = run_build(workdir, write_extracts(extracts, workdir / "raw", "csv"), {"raw_format": "csv"})
    return workdir, result, defects


@pytest.mark.parametrize("name", CSV_DEFECTS)
def test_value_that_does_not_parse_is_quarantined_not_a_failed_cast(unparseable, name):
    workdir, result, defects = unparseable
    defect = defects[name]

    assert result.returncode == 0, result.output[-4000:]
    assert rejected(workdir, defect) == defect.rejected_rows


def test_a_boolean_written_as_a_word_is_read_in_any_case(unparseable, clean, cast):
    """The clean rows are written by pandas as True/False; the planted row says " Y "."""
    workdir, _, _ = unparseable
    quiet = members_without_preferences(clean, cast)

    preferences = query(workdir, "select count(*) as n from main_intermediate.int_contact_preferences_latest")

    assert latest_preferences(workdir, [quiet[5]]) == [{"member_id": quiet[5], "channel": "phone", "opted_out": True}]
    assert preferences.loc[0, "n"] == clean["contact_preferences"].groupby(["member_id", "channel"]).ngroups + 1


def test_an_unreadable_opt_out_word_or_time_holds_the_member_back_on_that_channel(unparseable, clean, cast):
    """quiet[4]'s email row says "maybe" and its phone opt-out was recorded "last week": either may be an opt-out."""
    workdir, _, _ = unparseable
    quiet = members_without_preferences(clean, cast)

    assert unreadable_preferences(workdir) == [(quiet[4], "email"), (quiet[4], "phone")]


def test_the_unparseable_text_is_kept_in_original_values(unparseable, cast):
    workdir, _, _ = unparseable

    original = query(workdir, f"select original_values from rejected_rows where natural_key = '{cast[18]}'").loc[
        0, "original_values"
    ]

    assert '"date_of_birth":"1985-13-45"' in original

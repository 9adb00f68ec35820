"""CSV carries text, so a date or an amount can be anything: a value that does not parse as its contract
type is quarantined row by row (the rule names the column), not a failed cast that stops the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bad_input.defects import CSV_DEFECTS, Quarantine, csv_defects, members_without_preferences
from tests.bad_input.support import rejected, write_extracts
from tests.support import BuildResult, query, run_build

pytestmark = pytest.mark.end_to_end


@pytest.fixture(scope="module")
def unparseable(clean, cast, tmp_path_factory) -> tuple[Path, BuildResult, dict[str, Quarantine]]:
    """Every CSV defect at once, as text cells their contract type cannot read."""
    defects = csv_defects(clean, cast)
    extracts = {table: frame.astype(object) for table, frame in clean.items()}
    for defect in defects.values():
        defect.apply(extracts)
    workdir = tmp_path_factory.mktemp("unparseable")
    result = run_build(workdir, write_extracts(extracts, workdir / "raw", "csv"), {"raw_format": "csv"})
    return workdir, result, defects


@pytest.mark.parametrize("name", CSV_DEFECTS)
def test_value_that_does_not_parse_is_quarantined_not_a_failed_cast(unparseable, name):
    workdir, result, defects = unparseable
    defect = defects[name]

    assert result.returncode == 0, result.output[-4000:]
    rows = rejected(workdir, defect.source_table, defect.natural_key)
    if defect.rejection_rule is None:
        assert rows.empty
    else:
        assert rows.to_dict("records") == [{"rejection_rule": defect.rejection_rule, "extract_rows": 1}]


def test_a_boolean_written_as_a_word_is_read_in_any_case(unparseable, clean, cast):
    """The clean rows are written by pandas as True/False; the planted row says " Y "."""
    workdir, _, _ = unparseable
    quiet = members_without_preferences(clean, cast)

    latest = query(
        workdir,
        "select opted_out, (select count(*) from main_intermediate.int_contact_preferences_latest) as preferences "
        f"from main_intermediate.int_contact_preferences_latest where member_id = '{quiet[5]}' and channel = 'phone'",
    ).iloc[0]

    assert bool(latest["opted_out"]) is True
    assert latest["preferences"] == clean["contact_preferences"].groupby(["member_id", "channel"]).ngroups + 1


def test_the_unparseable_text_is_kept_in_original_values(unparseable, cast):
    workdir, _, _ = unparseable

    original = query(workdir, f"select original_values from rejected_rows where natural_key = '{cast[18]}'").loc[
        0, "original_values"
    ]

    assert '"date_of_birth":"1985-13-45"' in original

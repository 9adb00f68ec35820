"""Bad rows in Parquet extracts are quarantined, not fatal: every defect of defects.PARQUET_DEFECTS at once
(they touch different members and rows) in one build, which completes, warns and still reconciles; each row
lands in rejected_rows under the rule it breaks and member_status says what became of its member."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bad_input.defects import (
    PARQUET_DEFECTS,
    Quarantine,
    extracts_with,
    members_without_preferences,
    parquet_defects,
)
from tests.bad_input.support import (
    latest_preferences,
    quarantine_outcome,
    rejected,
    status_of,
    unreadable_preferences,
    write_extracts,
)
from tests.support import BuildResult, query, run_build

pytestmark = pytest.mark.end_to_end


@pytest.fixture(scope="module")
def quarantined(clean, cast, tmp_path_factory) -> tuple[Path, BuildResult, dict[str, Quarantine]]:
    """Every Parquet defect at once: they touch different members and rows."""
    defects = parquet_defects(clean, cast)
    workdir = tmp_path_factory.mktemp("quarantined")
    result = run_build(workdir, write_extracts(extracts_with(clean, defects.values()), workdir / "raw"))
    return workdir, result, defects


def test_a_build_with_bad_rows_completes_warns_and_still_reconciles(quarantined):
    workdir, result, _ = quarantined

    assert quarantine_outcome(result) == (0, {"no_extract_row_is_rejected"}, True), result.output[-4000:]
    assert query(workdir, "select count(*) as n from member_features").loc[0, "n"] > 200


@pytest.mark.parametrize("name", PARQUET_DEFECTS)
def test_bad_row_is_quarantined_under_the_rule_it_breaks(quarantined, name):
    workdir, _, defects = quarantined

    assert rejected(workdir, defects[name]) == defects[name].rejected_rows


def test_rejected_rows_keep_the_original_values(quarantined, cast):
    workdir, _, _ = quarantined
    original = query(
        workdir,
        f"select original_values from rejected_rows where source_table = 'members' and natural_key = '{cast[4]}'",
    ).loc[0, "original_values"]

    assert f'"member_id":"{cast[4]}"' in original
    assert '"sex":"X"' in original


def test_rejected_members_and_coverage_are_accounted_for_in_member_status(quarantined, cast):
    workdir, _, _ = quarantined

    assert status_of(workdir, cast[0]) == ("rejected", "member_id_duplicated", "members")
    assert status_of(workdir, cast[5]) == ("rejected", "monthly_premium_negative", "enrollments")
    assert status_of(workdir, cast[9]) == ("rejected", "coverage_span_duplicated", "enrollments")
    assert status_of(workdir, cast[10]) == ("rejected", "coverage_span_overlaps_same_plan", "enrollments")
    assert status_of(workdir, cast[13]) == ("rejected", "plan_id_rejected", "enrollments")
    assert status_of(workdir, cast[22]) == ("rejected", "coverage_span_overlaps_same_plan", "enrollments")
    for member in (cast[11], cast[14], cast[21], cast[23]):
        assert status_of(workdir, member) == ("segmented", None, None)


def test_member_ids_found_only_in_other_extracts_are_listed_as_unknown(quarantined):
    workdir, _, _ = quarantined

    unknown = query(
        workdir,
        "select member_id, status, rejection_rule, rejected_in from member_status where not in_members_extract "
        "order by member_id",
    )

    assert unknown.to_dict("records") == [
        {
            "member_id": "M-GHOST-1",
            "status": "rejected",
            "rejection_rule": "member_id_unknown",
            "rejected_in": "enrollments",
        },
        {
            "member_id": "M-GHOST-2",
            "status": "rejected",
            "rejection_rule": "member_id_unknown",
            "rejected_in": "claims",
        },
        {
            "member_id": "M-GHOST-3",
            "status": "rejected",
            "rejection_rule": "member_id_unknown",
            "rejected_in": "call_center_contacts",
        },
        {
            "member_id": "M-GHOST-4",
            "status": "rejected",
            "rejection_rule": "member_id_unknown",
            "rejected_in": "contact_preferences",
        },
    ]


def test_the_latest_valid_contact_preference_wins_and_an_opt_out_wins_a_tie(quarantined, clean, cast):
    workdir, _, _ = quarantined
    quiet = members_without_preferences(clean, cast)

    # quiet[0] and quiet[1] have rejected rows only: no preference, so not opted out.
    assert latest_preferences(workdir, quiet[:4]) == [
        {"member_id": quiet[2], "channel": "email", "opted_out": False},
        {"member_id": quiet[3], "channel": "phone", "opted_out": True},
    ]


def test_a_rejected_row_that_may_be_an_opt_out_holds_the_member_back_on_its_channel(quarantined, clean, cast):
    """quiet[0]'s phone row has no opted_out and its portal opt-out no updated_at: both may be opt-outs in force.
    Its sms row (no such channel) and quiet[1]'s opt-in recorded after the as-of date are not."""
    workdir, _, _ = quarantined
    quiet = members_without_preferences(clean, cast)

    assert unreadable_preferences(workdir) == [(quiet[0], "phone"), (quiet[0], "portal")]
    held_back = query(
        workdir,
        "select count(*) as n from member_outreach where suppression_reason = 'contact_preference_unreadable' "
        f"and member_id = '{quiet[0]}' and outreach_channel in ('phone', 'portal') and outreach_group = 'outreach' "
        "and persona <> 'Needs review'",
    )
    expected = query(
        workdir,
        f"select count(*) as n from member_outreach where member_id = '{quiet[0]}' "
        "and outreach_channel in ('phone', 'portal') and outreach_group = 'outreach' and persona <> 'Needs review'",
    )
    assert held_back.loc[0, "n"] == expected.loc[0, "n"]


def test_every_member_of_the_extract_has_exactly_one_status(quarantined, clean):
    workdir, _, _ = quarantined
    statuses = query(workdir, "select member_id, status from member_status where in_members_extract")

    assert sorted(statuses["member_id"]) == sorted(clean["members"]["member_id"])
    assert (statuses["status"] == "segmented").sum() == query(workdir, "select count(*) as n from member_segments").loc[
        0, "n"
    ]

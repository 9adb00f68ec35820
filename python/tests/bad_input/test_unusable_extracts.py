"""An extract with no rows, or whose rows are all rejected, stops the build naming it and its top rejection rules
(not a symptom further on, such as no member covered on the as-of date); an event extract or a contact preferences
extract with a header and no rows is valid."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.bad_input.support import Extracts, nodes_with_status
from tests.support import query

pytestmark = pytest.mark.end_to_end

WHAT_TO_DO = (
    ". Nothing to segment: correct the extracts (rejected_rows lists the rows and their rules) and run the build again."
)


def test_an_empty_plans_extract_stops_the_build_naming_it(slot, clean):
    enrollments = len(clean["enrollments"])

    result = slot.build({**clean, "plans": clean["plans"].iloc[0:0]})

    assert result.returncode == 1
    assert (
        f"member_features: plans: the extract has no rows; enrollments: all {enrollments} rows rejected "
        f"(plan_id_unknown {enrollments}){WHAT_TO_DO}"
    ) in result.output
    assert "no member has coverage" not in result.output


def all_rejected(clean: Extracts) -> tuple[Extracts, set[str]]:
    """Every member's date of birth in US format; 30 plans without an id, the others' deductibles not numbers."""
    extracts = {table: frame.astype(object) for table, frame in clean.items()}
    members = extracts["members"]
    members["date_of_birth"] = pd.to_datetime(members["date_of_birth"]).dt.strftime("%m/%d/%Y")
    plans = extracts["plans"]
    without_id = set(plans["plan_id"].iloc[:30])
    plans.loc[plans.index[:30], "plan_id"] = None
    plans.loc[plans.index[30:], "deductible"] = "n/a"
    return extracts, without_id


def test_extracts_whose_rows_are_all_rejected_stop_the_build_naming_their_top_rules(slot, clean):
    extracts, plans_without_id = all_rejected(clean)
    members, plans = len(clean["members"]), len(clean["plans"])
    of_unknown_plans = int(clean["enrollments"]["plan_id"].isin(plans_without_id).sum())
    of_rejected_plans = len(clean["enrollments"]) - of_unknown_plans
    enrollment_rules = sorted(
        [("plan_id_rejected", of_rejected_plans), ("plan_id_unknown", of_unknown_plans)], key=lambda rule: -rule[1]
    )

    result = slot.build(extracts, file_format="csv")

    assert result.returncode == 1
    assert (
        f"member_features: members: all {members} rows rejected (date_of_birth_unparseable {members}); "
        f"plans: all {plans} rows rejected (plan_id_missing 30, deductible_unparseable {plans - 30}); "
        f"enrollments: all {len(clean['enrollments'])} rows rejected "
        f"({', '.join(f'{rule} {rows}' for rule, rows in enrollment_rules)}){WHAT_TO_DO}"
    ) in result.output


def test_event_extracts_with_a_header_and_no_rows_are_valid(slot, clean):
    """The high_utilizers question clusters on neither portal logins nor email opens, so a plan without either
    still segments (under consumer_engagement those features would be constant, which stops the fit)."""
    empty = {table: clean[table].iloc[0:0] for table in ("portal_logins", "email_events")}

    result = slot.build({**clean, **empty}, dbt_vars={"segmentation_question": "high_utilizers"})

    assert result.returncode == 0, result.output[-4000:]
    counts = query(
        slot.workdir,
        "select count(*) as members, sum(portal_logins + email_opens) as events, "
        "(select count(*) from member_segments) as segmented from member_features",
    ).iloc[0]
    assert counts["members"] > 0
    assert counts["events"] == 0
    assert counts["segmented"] == counts["members"]


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_a_contact_preferences_extract_with_a_header_and_no_rows_is_valid(slot, clean, file_format):
    """No one has recorded a preference: no one has opted out, and the build reconciles the empty extract."""
    result = slot.build(
        {**clean, "contact_preferences": clean["contact_preferences"].iloc[0:0]}, file_format=file_format
    )

    assert result.returncode == 0, result.output[-4000:]
    counts = query(
        slot.workdir,
        "select (select count(*) from main_intermediate.int_contact_preferences_latest) as preferences, "
        "(select count(*) from rejected_rows where source_table = 'contact_preferences') as rejected, "
        "(select count(*) from member_segments) as segmented",
    ).iloc[0]
    assert (counts["preferences"], counts["rejected"]) == (0, 0)
    assert counts["segmented"] > 0
    assert "contact_preferences_extract_rows_are_used_or_rejected" in nodes_with_status(result, "pass")

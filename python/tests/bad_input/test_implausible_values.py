"""A number far beyond any real one (a monthly premium of 1e20, a claim line of a hundred million dollars) is
quarantined as <column>_implausible under the ceilings of dbt_project.yml (max_monthly_premium, max_aptc_amount,
max_deductible, max_abs_paid_amount), so one absurd value never sets a feature's scale for every member; a claim
line at the ceiling is valid. The build completes, warns and still reconciles every extract."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bad_input.defects import Quarantine, add_row, extracts_with, set_value
from tests.bad_input.support import quarantine_outcome, rejected, status_of, write_extracts
from tests.support import BuildResult, query, run_build

pytestmark = pytest.mark.end_to_end


def implausible_defects(clean, cast) -> dict[str, Quarantine]:
    spans = clean["enrollments"].set_index("member_id")
    claim = clean["claims"].iloc[0].to_dict()
    plan = clean["plans"].iloc[0].to_dict()
    return {
        "monthly_premium_of_1e20": Quarantine(
            "enrollments",
            spans.loc[cast[0], "enrollment_id"],
            "monthly_premium_implausible",
            set_value("enrollments", "member_id", cast[0], "monthly_premium", 1e20),
        ),
        "aptc_of_fifty_thousand_a_month": Quarantine(
            "enrollments",
            spans.loc[cast[2], "enrollment_id"],
            "aptc_amount_implausible",
            set_value("enrollments", "member_id", cast[2], "aptc_amount", 50_000.0),
        ),
        "deductible_of_ten_million": Quarantine(
            "plans",
            "P-HUGE",
            "deductible_implausible",
            add_row("plans", **{**plan, "plan_id": "P-HUGE", "deductible": 1e7}),
        ),
        "claim_line_of_a_hundred_million": Quarantine(
            "claims",
            "C-HUGE",
            "paid_amount_implausible",
            add_row("claims", **{**claim, "claim_id": "C-HUGE", "paid_amount": 1e8}),
        ),
        "reversal_of_a_hundred_million": Quarantine(
            "claims",
            "C-HUGE-REVERSAL",
            "paid_amount_implausible",
            add_row("claims", **{**claim, "claim_id": "C-HUGE-REVERSAL", "paid_amount": -1e8}),
        ),
        "claim_line_at_the_ceiling_is_allowed": Quarantine(
            "claims",
            "C-CEILING",
            None,
            add_row("claims", **{**claim, "claim_id": "C-CEILING", "paid_amount": -5_000_000.0}),
        ),
    }


@pytest.fixture(scope="module")
def implausible(clean, cast, tmp_path_factory) -> tuple[Path, BuildResult, dict[str, Quarantine]]:
    defects = implausible_defects(clean, cast)
    workdir = tmp_path_factory.mktemp("implausible")
    return workdir, run_build(workdir, write_extracts(extracts_with(clean, defects.values()), workdir / "raw")), defects


def test_build_with_implausible_values_completes_warns_and_still_reconciles(implausible):
    _, result, _ = implausible

    assert quarantine_outcome(result) == (0, {"no_extract_row_is_rejected"}, True), result.output[-4000:]


@pytest.mark.parametrize(
    "name",
    [
        "monthly_premium_of_1e20",
        "aptc_of_fifty_thousand_a_month",
        "deductible_of_ten_million",
        "claim_line_of_a_hundred_million",
        "reversal_of_a_hundred_million",
        "claim_line_at_the_ceiling_is_allowed",
    ],
)
def test_implausible_value_is_quarantined_under_its_rule(implausible, name):
    workdir, _, defects = implausible

    assert rejected(workdir, defects[name]) == defects[name].rejected_rows


def test_member_of_the_1e20_premium_is_accounted_for_and_sets_no_feature_scale(implausible, cast):
    workdir, _, _ = implausible

    assert status_of(workdir, cast[0]) == ("rejected", "monthly_premium_implausible", "enrollments")
    assert query(workdir, "select max(premium) as top from member_features").loc[0, "top"] < 10_000

"""Extracts that load but cannot be segmented (no member covered, fewer members than segments, a constant
feature, too few personas, an unknown feature) end the build with the reason in one line."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from tests.bad_input.support import Extracts
from tests.support import REPO_ROOT

pytestmark = pytest.mark.end_to_end


def no_coverage_on_the_as_of_date(extracts: Extracts, keep: int = 0) -> Extracts:
    """Every span ends a year before the as-of date, except those of the first `keep` members."""
    spans = extracts["enrollments"].copy()
    members_kept = sorted(spans["member_id"].unique())[:keep]
    lapsed = ~spans["member_id"].isin(members_kept)
    spans.loc[lapsed, "coverage_start"] = date(2023, 1, 1)
    spans.loc[lapsed, "coverage_end"] = date(2023, 12, 31)
    return {**extracts, "enrollments": spans}


def constant_deductible(extracts: Extracts) -> Extracts:
    return {**extracts, "plans": extracts["plans"].assign(deductible=2000.0)}


def questions_with_unknown_feature(feature: str) -> dict:
    """The project's segmentation questions, with ``feature`` added to the default question's features."""
    questions = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]["segmentation_questions"]
    questions["consumer_engagement"]["features"].append(feature)
    return questions


SEGMENTATION_DEFECTS = {
    "no_member_covered_on_the_as_of_date": (
        no_coverage_on_the_as_of_date,
        {},
        "member_features: no member has coverage active on the as-of date; nothing to segment.",
    ),
    "fewer_members_than_segments": (
        lambda extracts: no_coverage_on_the_as_of_date(extracts, keep=3),
        {},
        "member_features: 3 active members cannot form var n_segments=4 segments.",
    ),
    "feature_constant_for_every_member": (
        constant_deductible,
        {},
        "member_features: ['deductible'] have the same value for every member; a constant feature cannot separate "
        "segments (check the extract, or drop it from the question's features in var segmentation_questions).",
    ),
    "more_segments_than_personas": (
        lambda extracts: extracts,
        {"n_segments": 5},
        "var n_segments is 5 but seed personas defines only 4 personas; every segment needs its own persona "
        "(add personas or lower n_segments).",
    ),
    "feature_name_unknown": (
        lambda extracts: extracts,
        {"segmentation_questions": questions_with_unknown_feature("income")},
        "member_features: the question's features ['income'] are not columns of member_features (available: "
        "['age', 'call_center', 'claims', 'deductible', 'email_opens', 'paid_amount_per_member_month', "
        "'portal_logins', 'premium']).",
    ),
}


@pytest.mark.parametrize("name", SEGMENTATION_DEFECTS)
def test_segmentation_that_cannot_be_fitted_ends_with_its_reason_in_one_line(slot, clean, name):
    change, dbt_vars, reason = SEGMENTATION_DEFECTS[name]

    result = slot.build(change(clean), dbt_vars=dbt_vars)

    assert result.returncode == 1
    assert result.output.rstrip().splitlines()[-2:] == ["dbt build failed:", f"  segment_centroids: {reason}"]

"""No single member can swing the segmentation: one extreme but plausible value changes nobody else's persona.

Each feature is clipped to quantiles of the fit sample before the transform and the scaling are fitted (var
segmentation_questions, clip_quantile), so one member's monthly premium of 3,000 or 1,000 claims in a
2,000-member plan barely moves the fit. The plan here is 2,000 members of the session's generated build; the
fit and the assignment are the package's (the SQL assignment equals it: test_end_to_end).
"""

from __future__ import annotations

import pandas as pd
import pytest
from member_segmentation.pipeline import assign_members_to_segments, fit_segment_centroids

from tests.support import query

pytestmark = pytest.mark.end_to_end

PLAN_MEMBERS = 2_000
# Within the plausible range of a member's year, far beyond the plan's own distribution.
EXTREME_VALUES = {"premium": 3_000.0, "claims": 1_000, "deductible": 20_000.0, "call_center": 200}


@pytest.fixture(scope="module")
def plan(build) -> pd.DataFrame:
    workdir, _ = build
    members = query(workdir, "select * from member_features order by member_id")
    return members.sample(PLAN_MEMBERS, random_state=11, ignore_index=True).astype(
        {"premium": "float64", "deductible": "float64"}
    )


def segments(members: pd.DataFrame, personas, persona_profiles, settings) -> pd.Series:
    centroids = fit_segment_centroids(members, personas, persona_profiles, settings)
    return assign_members_to_segments(members, centroids).set_index("member_id")["segment_id"]


@pytest.mark.parametrize("feature", sorted(EXTREME_VALUES))
def test_one_members_extreme_value_changes_no_other_members_persona(
    plan, feature, personas, persona_profiles, default_settings
):
    before = segments(plan, personas, persona_profiles, default_settings)

    for position in (0, 1, 2):
        swung = plan.copy()
        swung.loc[position, feature] = EXTREME_VALUES[feature]
        after = segments(swung, personas, persona_profiles, default_settings)

        others = before.index.drop(plan.loc[position, "member_id"])
        moved = (after[others] != before[others]).sum()
        assert moved == 0, f"{feature}={EXTREME_VALUES[feature]} on member {position} moved {moved} others"

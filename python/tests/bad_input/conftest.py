"""The bad-input suite's clean plan and its cast of members, and the build folder the stopping builds share."""

from __future__ import annotations

import pytest

from tests.bad_input.support import BuildSlot, Extracts, read_extracts
from tests.support import AS_OF


@pytest.fixture(scope="module")
def clean(small_extracts) -> Extracts:
    return read_extracts(small_extracts)


@pytest.fixture(scope="module")
def cast(clean) -> list[str]:
    """Members with exactly one coverage span, active on the as-of date: each defect takes its own."""
    spans = clean["enrollments"]
    single = spans.groupby("member_id").filter(lambda member: len(member) == 1)
    active = single[(single["coverage_start"] <= AS_OF) & (single["coverage_end"].isna())]
    return sorted(active["member_id"])


@pytest.fixture(scope="session")
def slot(tmp_path_factory) -> BuildSlot:
    """One build folder for every build the preflight and segmentation tests stop: with the same vars dbt
    re-parses nothing between them."""
    return BuildSlot(tmp_path_factory.mktemp("slot"))

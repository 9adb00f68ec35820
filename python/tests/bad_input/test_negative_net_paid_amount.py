"""A member whose claim reversals in the window exceed the payments has a negative paid amount per member month:
valid data, so no test stops the build on it, and a question that clusters on it (high_utilizers, log1p-transformed)
segments that member like any other."""

from __future__ import annotations

from datetime import date

import pytest

from tests.bad_input.defects import add_row
from tests.bad_input.support import write_extracts
from tests.support import failed_nodes, query, run_build

pytestmark = pytest.mark.end_to_end


def test_member_with_reversals_exceeding_payments_builds_and_is_segmented(clean, cast, tmp_path):
    member = cast[0]
    claims = clean["claims"]
    paid = claims.loc[claims["member_id"] == member, "paid_amount"].abs().sum()
    extracts = {table: frame.copy() for table, frame in clean.items()}
    template = claims.iloc[0].to_dict()
    add_row(
        "claims",
        **{
            **template,
            "claim_id": "C-REVERSED",
            "member_id": member,
            "service_date": date(2025, 6, 1),
            "paid_amount": -(paid + 1200.0),
        },
    )(extracts)

    result = run_build(
        tmp_path, write_extracts(extracts, tmp_path / "raw"), {"segmentation_question": "high_utilizers"}
    )

    assert result.returncode == 0, result.output[-4000:]
    assert failed_nodes(result.run_results) == {}
    row = query(
        tmp_path,
        "select features.paid_amount_per_member_month, segments.segment_id from member_features as features "
        f"inner join member_segments as segments using (member_id) where member_id = '{member}'",
    )
    assert row.loc[0, "paid_amount_per_member_month"] < 0
    assert row.loc[0, "segment_id"] >= 0

"""The sqlfluff config (.sqlfluff) enforces the house SQL style; `make lint` checks the code base against it."""

from __future__ import annotations

from sqlfluff.core import FluffConfig, Linter

from tests.support import REPO_ROOT

OFF_STYLE_MODEL = """\
with

outreach as (

    SELECT
        member_segments.member_id
        , Count(1) as members
        , member_segments.segment_id::bigint segment_id

    from {{ ref('member_segments') }} as member_segments
    join {{ ref('personas') }} as personas on member_segments.segment_id = personas.segment_id
    group by 1, 3

)

select * from outreach
"""


def test_house_style_config_reports_each_deviation_from_the_style():
    linter = Linter(config=FluffConfig.from_path(str(REPO_ROOT)))
    violations = linter.lint_string(OFF_STYLE_MODEL, fname="off_style.sql").get_violations()

    assert {violation.rule_code() for violation in violations} >= {
        "CP01",  # uppercase keyword
        "CP03",  # uppercase function name
        "LT04",  # leading comma
        "CV04",  # count(1) instead of count(*)
        "CV11",  # :: instead of cast()
        "AL02",  # column alias without `as`
        "AM05",  # bare `join`
    }

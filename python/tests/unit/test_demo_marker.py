"""demo_plan.json: the generator marks its extracts, and `make build` (--reuse) keeps, regenerates or refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from segmentation_tools.demo_data.__main__ import main
from segmentation_tools.demo_data.generate import generate_extracts
from segmentation_tools.demo_data.marker import MARKER_NAME, DemoPlan, plan_on_disk, reuse_decision

AS_OF = dt.date(2025, 12, 31)


def test_generated_extracts_carry_the_plan_they_were_generated_with(tmp_path):
    generate_extracts(120, tmp_path, AS_OF, seed=3)

    assert plan_on_disk(tmp_path) == DemoPlan(members=120, as_of_date="2025-12-31", seed=3, file_format="parquet")


def test_the_same_plan_is_reused_and_another_size_regenerated(tmp_path):
    generate_extracts(120, tmp_path, AS_OF)

    reuse, message = reuse_decision(tmp_path, DemoPlan(120, "2025-12-31", 42, "parquet"))
    assert reuse
    assert "already holds the demo plan of 120 members" in message
    reuse, message = reuse_decision(tmp_path, DemoPlan(300, "2025-12-31", 42, "parquet"))
    assert not reuse
    assert "another demo plan (members 120 -> 300); regenerating" in message


def test_a_plan_missing_an_extract_of_the_contract_is_regenerated(tmp_path):
    """A folder generated before the contract gained an extract (contact_preferences) holds an incomplete plan."""
    generate_extracts(120, tmp_path, AS_OF)
    (tmp_path / "contact_preferences.parquet").unlink()

    reuse, message = reuse_decision(tmp_path, DemoPlan(120, "2025-12-31", 42, "parquet"))

    assert not reuse
    assert message == f"{tmp_path} holds the demo plan without contact_preferences; regenerating it"


def test_make_builds_command_regenerates_when_members_change(tmp_path, capsys):
    arguments = ["--out", str(tmp_path), "--reuse"]
    main(["--members", "120", *arguments])
    main(["--members", "150", *arguments])

    assert plan_on_disk(tmp_path).members == 150
    main(["--members", "150", *arguments])
    assert capsys.readouterr().out.rstrip().endswith("already holds the demo plan of 150 members as of 2025-12-31")


def test_extracts_without_the_marker_are_never_overwritten(tmp_path):
    generate_extracts(120, tmp_path, AS_OF)
    (tmp_path / MARKER_NAME).unlink()
    before = (tmp_path / "members.parquet").read_bytes()

    with pytest.raises(SystemExit, match=r"without demo_plan\.json, so they are not demo data"):
        main(["--members", "120", "--out", str(tmp_path), "--reuse"])
    assert (tmp_path / "members.parquet").read_bytes() == before

"""A CSV extract with lines the reader cannot take (more or fewer fields than the header, bytes that are not in the
declared encoding) stops the build in the preflight, naming the file and the line; the line's values (a member's
PHI) appear nowhere: not on the console, not in dbt's log. A file in another encoding reads with raw_csv_encoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bad_input.support import write_extracts
from tests.support import query, run_build

pytestmark = pytest.mark.end_to_end

MEMBER_ROW = 98  # the members row the defects edit; with the header on line 1 it is line MEMBER_ROW + 2


def edit_line(raw: Path, table: str, line_number: int, change) -> None:
    path = raw / f"{table}.csv"
    lines = path.read_bytes().split(b"\n")
    lines[line_number - 1] = change(lines[line_number - 1])
    path.write_bytes(b"\n".join(lines))


def assert_stopped_without_phi(slot, result, member_id: str, message: str) -> None:
    assert result.returncode == 2
    assert message in result.output
    assert "START" not in result.output
    assert member_id not in result.output
    assert member_id not in (slot.workdir / "logs" / "dbt.log").read_text(errors="replace")


def test_a_ragged_line_is_named_by_its_number(slot, clean):
    member_id = clean["members"]["member_id"].iloc[MEMBER_ROW]
    line = MEMBER_ROW + 2

    result = slot.build(
        clean, lambda raw: edit_line(raw, "members", line, lambda text: text + b",extra,fields"), file_format="csv"
    )

    assert_stopped_without_phi(
        slot,
        result,
        member_id,
        f"Extract {slot.raw}/members.csv: 1 line cannot be read as CSV: line {line} has 8 fields where the header "
        "has 6. Correct the file and run the build again.",
    )


def test_a_line_missing_fields_is_named_by_its_number(slot, clean):
    claim_id = clean["claims"]["claim_id"].iloc[500]

    result = slot.build(
        clean,
        lambda raw: edit_line(raw, "claims", 502, lambda text: b",".join(text.split(b",")[:3])),
        file_format="csv",
    )

    assert_stopped_without_phi(
        slot,
        result,
        claim_id,
        f"Extract {slot.raw}/claims.csv: 1 line cannot be read as CSV: line 502 has 3 fields where the header has 5. "
        "Correct the file and run the build again.",
    )


def latin_1_language(raw: Path) -> None:
    """One member's preferred language written as Latin-1 text."""
    edit_line(raw, "members", MEMBER_ROW + 2, lambda text: text.rsplit(b",", 1)[0] + ",español".encode("latin-1"))


def test_a_file_that_is_not_utf_8_is_named_with_the_line_and_the_var_to_set(slot, clean):
    member_id = clean["members"]["member_id"].iloc[MEMBER_ROW]

    result = slot.build(clean, latin_1_language, file_format="csv")

    assert_stopped_without_phi(
        slot,
        result,
        member_id,
        f"Extract {slot.raw}/members.csv: 1 line cannot be read as CSV: line {MEMBER_ROW + 2} is not utf-8 text "
        "(column preferred_language). Set var raw_csv_encoding to the file's encoding (utf-8, utf-16 or latin-1), "
        "or export it as UTF-8.",
    )


def test_a_latin_1_file_builds_with_raw_csv_encoding(clean, tmp_path):
    raw = write_extracts(clean, tmp_path / "raw", "csv")
    latin_1_language(raw)
    member_id = clean["members"]["member_id"].iloc[MEMBER_ROW]

    result = run_build(tmp_path, raw, {"raw_format": "csv", "raw_csv_encoding": "latin-1"})

    assert result.returncode == 0, result.output[-4000:]
    assert (
        query(
            tmp_path,
            f"select preferred_language from main_staging.stg_plan_extracts__members where member_id = '{member_id}'",
        ).iloc[0, 0]
        == "español"
    )


def test_an_encoding_duckdb_cannot_read_is_named(slot, clean):
    result = slot.build(clean, file_format="csv", dbt_vars={"raw_csv_encoding": "ebcdic"})

    assert result.returncode == 2
    assert "var raw_csv_encoding is 'ebcdic'; expected utf-8, utf-16 or latin-1." in result.output

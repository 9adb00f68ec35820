"""A broken extract file (missing, a column misspelled or dropped, a type that cannot be read as its contract
type, not Parquet at all) stops the build before any model, with one message naming the file and column."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.end_to_end


def rewrite_parquet(raw: Path, table: str, select: str) -> None:
    """Replace an extract with a query over it (DuckDB SQL; {rows} is the current file)."""
    path = raw / f"{table}.parquet"
    duckdb.sql(select.format(rows=f"read_parquet('{path}')")).write_parquet(str(raw / "rewritten.parquet"))
    (raw / "rewritten.parquet").replace(path)


READABLE_AS_DATE = "VARCHAR, DATE, TIMESTAMP, TIMESTAMP_S, TIMESTAMP_MS, TIMESTAMP_NS, TIMESTAMP WITH TIME ZONE"
PREFLIGHT_DEFECTS = {
    "extract_file_missing": (
        lambda raw: (raw / "claims.parquet").unlink(),
        "Extract {raw}/claims.parquet is missing (files in {raw}: call_center_contacts.parquet, "
        "contact_preferences.parquet, email_events.parquet, enrollments.parquet, members.parquet, plans.parquet, "
        "portal_logins.parquet).",
    ),
    "contact_preferences_file_missing": (
        lambda raw: (raw / "contact_preferences.parquet").unlink(),
        "Extract {raw}/contact_preferences.parquet is missing (files in {raw}: call_center_contacts.parquet, "
        "claims.parquet, email_events.parquet, enrollments.parquet, members.parquet, plans.parquet, "
        "portal_logins.parquet).",
    ),
    "opted_out_stored_as_a_timestamp": (
        lambda raw: rewrite_parquet(
            raw, "contact_preferences", "select * replace (updated_at as opted_out) from {rows}"
        ),
        "Extract {raw}/contact_preferences.parquet: column opted_out is stored as TIMESTAMP, which cannot be read as "
        "boolean (expected boolean; readable from VARCHAR, BOOLEAN).",
    ),
    "column_misspelled": (
        lambda raw: rewrite_parquet(raw, "members", "select * rename (date_of_birth as date_of_brith) from {rows}"),
        "Extract {raw}/members.parquet: column date_of_birth is missing (expected date). Did you mean date_of_brith? "
        "Found columns: member_id, date_of_brith, sex, state, county_fips, preferred_language.",
    ),
    "column_dropped": (
        lambda raw: rewrite_parquet(raw, "claims", "select * exclude (paid_amount) from {rows}"),
        "Extract {raw}/claims.parquet: column paid_amount is missing (expected numeric). "
        "Found columns: claim_id, member_id, service_date, claim_type.",
    ),
    "date_stored_as_boolean": (
        lambda raw: rewrite_parquet(raw, "members", "select * replace (true as date_of_birth) from {rows}"),
        "Extract {raw}/members.parquet: column date_of_birth is stored as BOOLEAN, which cannot be read as date "
        f"(expected date; readable from {READABLE_AS_DATE}).",
    ),
    "timestamp_stored_as_epoch_seconds": (
        lambda raw: rewrite_parquet(raw, "portal_logins", "select * replace (epoch(login_at) as login_at) from {rows}"),
        "Extract {raw}/portal_logins.parquet: column login_at is stored as DOUBLE, which cannot be read as timestamp "
        f"(expected timestamp; readable from {READABLE_AS_DATE}).",
    ),
    "amount_stored_as_date": (
        lambda raw: rewrite_parquet(raw, "plans", "select * replace (date '2025-01-01' as deductible) from {rows}"),
        "Extract {raw}/plans.parquet: column deductible is stored as DATE, which cannot be read as numeric "
        "(expected numeric; readable from VARCHAR, TINYINT, SMALLINT, INTEGER, BIGINT, HUGEINT, UTINYINT, USMALLINT, "
        "UINTEGER, UBIGINT, UHUGEINT, DECIMAL, FLOAT, DOUBLE).",
    ),
}


@pytest.mark.parametrize("name", PREFLIGHT_DEFECTS)
def test_broken_extract_file_stops_the_build_before_any_model_with_one_clear_message(slot, clean, name):
    mangle, message = PREFLIGHT_DEFECTS[name]

    result = slot.build(clean, mangle)

    assert result.returncode == 2
    assert message.format(raw=slot.raw) in result.output
    assert "START" not in result.output
    assert "Traceback" not in result.output


def test_several_broken_files_are_reported_together(slot, clean):
    def mangle(raw: Path) -> None:
        (raw / "plans.parquet").unlink()
        rewrite_parquet(raw, "members", "select * exclude (sex) from {rows}")

    result = slot.build(clean, mangle)

    assert result.returncode == 2
    assert "2 problems with the extracts:\n" in result.output
    assert f"- Extract {slot.raw}/members.parquet: column sex is missing (expected string)." in result.output
    assert f"- Extract {slot.raw}/plans.parquet is missing" in result.output


def test_a_file_that_is_not_parquet_stops_the_build_naming_it(slot, clean):
    result = slot.build(clean, lambda raw: (raw / "plans.parquet").write_text("member_id,plan_id\n"))

    assert result.returncode == 2
    assert f"Invalid Input Error: No magic bytes found at end of file '{slot.raw}/plans.parquet'" in result.output
    assert "Traceback" not in result.output

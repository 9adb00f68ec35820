"""Bad input and faults, end to end: the small generated plan with one defect at a time, through `dbt build` as
`make dbt-build` runs it, each test asserting the exact outcome.

A defect either stops the build with one clear message (a broken extract file, a segmentation that cannot be
fitted) or quarantines rows: they land in rejected_rows with the rule they broke, the reconciliation tests
still pass and member_status says what became of the member. Defects that quarantine do not interfere, so
they share one build (one per file format); each still has its own assertion.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS

from tests.support import AS_OF, REPO_ROOT, BuildResult, build_command, query, run_build

pytestmark = pytest.mark.end_to_end

Extracts = dict[str, pd.DataFrame]
RECONCILED_TABLES = tuple(EXTRACT_SCHEMAS)


def read_extracts(raw: Path) -> Extracts:
    return {table: pq.read_table(raw / f"{table}.parquet").to_pandas() for table in EXTRACT_SCHEMAS}


def write_extracts(extracts: Extracts, out: Path, file_format: str = "parquet") -> Path:
    """Parquet in the contract's types; CSV as text, so a cell can hold anything an export might."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for table, frame in extracts.items():
        if file_format == "parquet":
            rows = pa.Table.from_pandas(frame, schema=EXTRACT_SCHEMAS[table], preserve_index=False)
            pq.write_table(rows, out / f"{table}.parquet")
        else:
            frame.to_csv(out / f"{table}.csv", index=False)
    return out


def appended(frame: pd.DataFrame, **row: object) -> pd.DataFrame:
    return pd.concat([frame, pd.DataFrame([row])], ignore_index=True)


def set_value(table: str, key: str, key_value: str, column: str, value: object) -> Callable[[Extracts], None]:
    """A defect: ``column`` of the ``table`` rows whose ``key`` is ``key_value`` set to ``value``."""

    def apply(extracts: Extracts) -> None:
        extracts[table].loc[extracts[table][key] == key_value, column] = value

    return apply


def add_row(table: str, **row: object) -> Callable[[Extracts], None]:
    """A defect: one more ``table`` row."""
    return lambda extracts: extracts.__setitem__(table, appended(extracts[table], **row))


def rejected(workdir: Path, source_table: str, natural_key: str | None) -> pd.DataFrame:
    key = "natural_key is null" if natural_key is None else f"natural_key = '{natural_key}'"
    return query(
        workdir,
        f"select rejection_rule, extract_rows from rejected_rows where source_table = '{source_table}' and {key} "
        "order by rejection_rule",
    )


def status_of(workdir: Path, member_id: str) -> tuple[str, str | None, str | None]:
    row = query(
        workdir, f"select status, rejection_rule, rejected_in from member_status where member_id = '{member_id}'"
    ).iloc[0]
    return row["status"], row["rejection_rule"], row["rejected_in"]


def nodes_with_status(result: BuildResult, status: str) -> set[str]:
    return {row["unique_id"].split(".")[2] for row in result.run_results["results"] if row["status"] == status}


# --- the plan's cast: members whose single coverage span is active on the as-of date --------------------------


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


# --- defects that quarantine rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarantine:
    """One bad input: how to make it, and the rejected_rows row it must produce (rule None: must not reject)."""

    source_table: str
    natural_key: str | None
    rejection_rule: str | None
    apply: Callable[[Extracts], None]
    extract_rows: int = 1


def parquet_defects(clean: Extracts, cast: list[str]) -> dict[str, Quarantine]:
    spans = clean["enrollments"].set_index("member_id")
    plans = clean["plans"]
    claim = clean["claims"].iloc[0]
    other_plan = plans.loc[plans["plan_id"] != spans.loc[cast[11], "plan_id"], "plan_id"].iloc[-1]

    def members(change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Extracts], None]:
        return lambda extracts: extracts.__setitem__("members", change(extracts["members"]))

    def span_of(member: str, **changes: object) -> dict:
        return {**spans.loc[member].to_dict(), "member_id": member, **changes}

    first_member_row = clean["members"].iloc[0].to_dict()
    return {
        "member_listed_twice": Quarantine(
            "members",
            cast[0],
            "member_id_duplicated",
            members(lambda m: pd.concat([m, m[m["member_id"] == cast[0]]])),
            2,
        ),
        "member_without_id": Quarantine(
            "members", None, "member_id_missing", add_row("members", **{**first_member_row, "member_id": None})
        ),
        "born_after_the_as_of_date": Quarantine(
            "members",
            cast[1],
            "date_of_birth_after_as_of_date",
            set_value("members", "member_id", cast[1], "date_of_birth", AS_OF + timedelta(days=1)),
        ),
        "older_than_120": Quarantine(
            "members",
            cast[2],
            "age_over_120_on_as_of_date",
            set_value("members", "member_id", cast[2], "date_of_birth", date(1900, 1, 1)),
        ),
        "date_of_birth_missing": Quarantine(
            "members",
            cast[3],
            "date_of_birth_missing",
            set_value("members", "member_id", cast[3], "date_of_birth", None),
        ),
        "sex_not_f_m_or_u": Quarantine(
            "members", cast[4], "sex_unknown_value", set_value("members", "member_id", cast[4], "sex", "X")
        ),
        "negative_premium": Quarantine(
            "enrollments",
            spans.loc[cast[5], "enrollment_id"],
            "monthly_premium_negative",
            set_value("enrollments", "member_id", cast[5], "monthly_premium", -12.5),
        ),
        "coverage_ends_before_it_starts": Quarantine(
            "enrollments",
            spans.loc[cast[6], "enrollment_id"],
            "coverage_end_before_coverage_start",
            set_value(
                "enrollments", "member_id", cast[6], "coverage_end", spans.loc[cast[6], "coverage_start"] - timedelta(1)
            ),
        ),
        "plan_not_in_plans": Quarantine(
            "enrollments",
            spans.loc[cast[7], "enrollment_id"],
            "plan_id_unknown",
            set_value("enrollments", "member_id", cast[7], "plan_id", "P-NO-SUCH-PLAN"),
        ),
        "coverage_starts_years_ahead": Quarantine(
            "enrollments",
            spans.loc[cast[8], "enrollment_id"],
            "coverage_start_out_of_range",
            set_value("enrollments", "member_id", cast[8], "coverage_start", date(2031, 1, 1)),
        ),
        "span_copied_under_a_new_id": Quarantine(
            "enrollments",
            "E-COPY",
            "coverage_span_duplicated",
            add_row("enrollments", **span_of(cast[9], enrollment_id="E-COPY")),
        ),
        "spans_overlapping_on_the_same_plan": Quarantine(
            "enrollments",
            "E-OVERLAP",
            "coverage_span_overlaps_same_plan",
            add_row(
                "enrollments", **span_of(cast[10], enrollment_id="E-OVERLAP", coverage_start=AS_OF - timedelta(30))
            ),
        ),
        "plan_switch_overlap_is_allowed": Quarantine(
            "enrollments",
            "E-SWITCH",
            None,
            add_row(
                "enrollments",
                **span_of(cast[11], enrollment_id="E-SWITCH", plan_id=other_plan, coverage_start=AS_OF),
            ),
        ),
        "renewal_back_to_back_on_the_same_plan_is_allowed": Quarantine(
            "enrollments",
            "E-RENEWED",
            None,
            add_row(
                "enrollments",
                **span_of(
                    cast[21],
                    enrollment_id="E-RENEWED",
                    coverage_start=date(2023, 1, 1),
                    coverage_end=spans.loc[cast[21], "coverage_start"] - timedelta(1),
                ),
            ),
        ),
        "spans_sharing_one_day_on_the_same_plan": Quarantine(
            "enrollments",
            "E-ONE-DAY",
            "coverage_span_overlaps_same_plan",
            add_row(
                "enrollments",
                **span_of(
                    cast[22],
                    enrollment_id="E-ONE-DAY",
                    coverage_start=date(2023, 1, 1),
                    coverage_end=spans.loc[cast[22], "coverage_start"],
                ),
            ),
        ),
        "bad_copy_of_a_span_leaves_the_original_valid": Quarantine(
            "enrollments",
            "E-BAD-COPY",
            "monthly_premium_negative",
            add_row("enrollments", **span_of(cast[23], enrollment_id="E-BAD-COPY", monthly_premium=-1.0)),
        ),
        "enrollment_of_an_unknown_member": Quarantine(
            "enrollments",
            "E-GHOST",
            "member_id_unknown",
            add_row("enrollments", **span_of(cast[12], enrollment_id="E-GHOST", member_id="M-GHOST-1")),
        ),
        "plan_with_negative_deductible": Quarantine(
            "plans",
            "P-NEGATIVE",
            "deductible_negative",
            add_row("plans", **{**plans.iloc[0].to_dict(), "plan_id": "P-NEGATIVE", "deductible": -500.0}),
        ),
        "enrollment_on_a_rejected_plan": Quarantine(
            "enrollments",
            spans.loc[cast[13], "enrollment_id"],
            "plan_id_rejected",
            set_value("enrollments", "member_id", cast[13], "plan_id", "P-NEGATIVE"),
        ),
        "claim_without_member": Quarantine(
            "claims",
            "C-NO-MEMBER",
            "member_id_missing",
            add_row("claims", **{**claim.to_dict(), "claim_id": "C-NO-MEMBER", "member_id": None}),
        ),
        "claim_of_an_unknown_member": Quarantine(
            "claims",
            "C-GHOST",
            "member_id_unknown",
            add_row("claims", **{**claim.to_dict(), "claim_id": "C-GHOST", "member_id": "M-GHOST-2"}),
        ),
        "claim_type_not_medical_or_pharmacy": Quarantine(
            "claims",
            "C-DENTAL",
            "claim_type_unknown_value",
            add_row("claims", **{**claim.to_dict(), "claim_id": "C-DENTAL", "claim_type": "dental"}),
        ),
        "claim_serviced_before_1900": Quarantine(
            "claims",
            "C-1899",
            "service_date_out_of_range",
            add_row("claims", **{**claim.to_dict(), "claim_id": "C-1899", "service_date": date(1899, 12, 31)}),
        ),
        "reversal_with_negative_paid_amount_is_allowed": Quarantine(
            "claims",
            "C-REVERSAL",
            None,
            add_row("claims", **{**claim.to_dict(), "claim_id": "C-REVERSAL", "paid_amount": -80.0}),
        ),
        "login_decades_ahead": Quarantine(
            "portal_logins",
            f"{cast[14]}|2099-01-01 08:00:00",
            "login_at_out_of_range",
            add_row("portal_logins", member_id=cast[14], login_at=datetime(2099, 1, 1, 8), channel="web"),
        ),
        "login_days_after_the_as_of_date_is_allowed": Quarantine(
            "portal_logins",
            f"{cast[14]}|2026-01-05 08:00:00",
            None,
            add_row("portal_logins", member_id=cast[14], login_at=datetime(2026, 1, 5, 8), channel="web"),
        ),
        "login_channel_not_web_or_mobile": Quarantine(
            "portal_logins",
            f"{cast[15]}|2025-06-01 08:00:00",
            "channel_unknown_value",
            add_row("portal_logins", member_id=cast[15], login_at=datetime(2025, 6, 1, 8), channel="tablet"),
        ),
        "email_event_type_not_sent_open_or_click": Quarantine(
            "email_events",
            f"{cast[16]}|CMP-X|bounce|2025-06-01 10:00:00",
            "event_type_unknown_value",
            add_row(
                "email_events",
                member_id=cast[16],
                campaign_id="CMP-X",
                event_type="bounce",
                event_at=datetime(2025, 6, 1, 10),
            ),
        ),
        "email_event_without_timestamp": Quarantine(
            "email_events",
            f"{cast[16]}|CMP-Y|open|",
            "event_at_missing",
            add_row("email_events", member_id=cast[16], campaign_id="CMP-Y", event_type="open", event_at=None),
        ),
        "call_of_an_unknown_member": Quarantine(
            "call_center_contacts",
            "K-GHOST",
            "member_id_unknown",
            add_row(
                "call_center_contacts",
                contact_id="K-GHOST",
                member_id="M-GHOST-3",
                contact_at=datetime(2025, 6, 1, 9),
                reason="billing",
            ),
        ),
        "call_without_contact_id": Quarantine(
            "call_center_contacts",
            None,
            "contact_id_missing",
            add_row(
                "call_center_contacts",
                contact_id=None,
                member_id=cast[17],
                contact_at=datetime(2025, 6, 1, 9),
                reason="billing",
            ),
        ),
    }


PARQUET_DEFECTS = (
    "member_listed_twice",
    "member_without_id",
    "born_after_the_as_of_date",
    "older_than_120",
    "date_of_birth_missing",
    "sex_not_f_m_or_u",
    "negative_premium",
    "coverage_ends_before_it_starts",
    "plan_not_in_plans",
    "coverage_starts_years_ahead",
    "span_copied_under_a_new_id",
    "spans_overlapping_on_the_same_plan",
    "plan_switch_overlap_is_allowed",
    "renewal_back_to_back_on_the_same_plan_is_allowed",
    "spans_sharing_one_day_on_the_same_plan",
    "bad_copy_of_a_span_leaves_the_original_valid",
    "enrollment_of_an_unknown_member",
    "plan_with_negative_deductible",
    "enrollment_on_a_rejected_plan",
    "claim_without_member",
    "claim_of_an_unknown_member",
    "claim_type_not_medical_or_pharmacy",
    "claim_serviced_before_1900",
    "reversal_with_negative_paid_amount_is_allowed",
    "login_decades_ahead",
    "login_days_after_the_as_of_date_is_allowed",
    "login_channel_not_web_or_mobile",
    "email_event_type_not_sent_open_or_click",
    "email_event_without_timestamp",
    "call_of_an_unknown_member",
    "call_without_contact_id",
)


@pytest.fixture(scope="module")
def quarantined(clean, cast, tmp_path_factory) -> tuple[Path, BuildResult, dict[str, Quarantine]]:
    """Every Parquet defect at once: they touch different members and rows."""
    defects = parquet_defects(clean, cast)
    extracts = {table: frame.copy() for table, frame in clean.items()}
    for defect in defects.values():
        defect.apply(extracts)
    workdir = tmp_path_factory.mktemp("quarantined")
    result = run_build(workdir, write_extracts(extracts, workdir / "raw"))
    return workdir, result, defects


def test_a_build_with_bad_rows_completes_warns_and_still_reconciles(quarantined):
    workdir, result, _ = quarantined

    assert result.returncode == 0, result.output[-4000:]
    assert nodes_with_status(result, "warn") == {"no_extract_row_is_rejected"}
    assert {f"{table}_extract_rows_are_used_or_rejected" for table in RECONCILED_TABLES} <= nodes_with_status(
        result, "pass"
    )
    assert query(workdir, "select count(*) as n from member_features").loc[0, "n"] > 200


@pytest.mark.parametrize("name", PARQUET_DEFECTS)
def test_bad_row_is_quarantined_under_the_rule_it_breaks(quarantined, name):
    workdir, _, defects = quarantined
    defect = defects[name]

    rows = rejected(workdir, defect.source_table, defect.natural_key)

    if defect.rejection_rule is None:
        assert rows.empty
    else:
        assert rows.to_dict("records") == [
            {"rejection_rule": defect.rejection_rule, "extract_rows": defect.extract_rows}
        ]


def test_rejected_rows_keep_the_original_values(quarantined, cast):
    workdir, _, _ = quarantined
    original = query(
        workdir,
        f"select original_values from rejected_rows where source_table = 'members' and natural_key = '{cast[4]}'",
    ).loc[0, "original_values"]

    assert f'"member_id":"{cast[4]}"' in original
    assert '"sex":"X"' in original


def test_rejected_members_and_coverage_are_accounted_for_in_member_status(quarantined, cast):
    workdir, _, _ = quarantined

    assert status_of(workdir, cast[0]) == ("rejected", "member_id_duplicated", "members")
    assert status_of(workdir, cast[5]) == ("rejected", "monthly_premium_negative", "enrollments")
    assert status_of(workdir, cast[9]) == ("rejected", "coverage_span_duplicated", "enrollments")
    assert status_of(workdir, cast[10]) == ("rejected", "coverage_span_overlaps_same_plan", "enrollments")
    assert status_of(workdir, cast[13]) == ("rejected", "plan_id_rejected", "enrollments")
    assert status_of(workdir, cast[22]) == ("rejected", "coverage_span_overlaps_same_plan", "enrollments")
    for member in (cast[11], cast[14], cast[21], cast[23]):
        assert status_of(workdir, member) == ("segmented", None, None)


def test_member_ids_found_only_in_other_extracts_are_listed_as_unknown(quarantined):
    workdir, _, _ = quarantined

    unknown = query(
        workdir,
        "select member_id, status, rejection_rule, rejected_in from member_status where not in_members_extract "
        "order by member_id",
    )

    assert unknown.to_dict("records") == [
        {
            "member_id": "M-GHOST-1",
            "status": "rejected",
            "rejection_rule": "member_id_unknown",
            "rejected_in": "enrollments",
        },
        {
            "member_id": "M-GHOST-2",
            "status": "rejected",
            "rejection_rule": "member_id_unknown",
            "rejected_in": "claims",
        },
        {
            "member_id": "M-GHOST-3",
            "status": "rejected",
            "rejection_rule": "member_id_unknown",
            "rejected_in": "call_center_contacts",
        },
    ]


def test_every_member_of_the_extract_has_exactly_one_status(quarantined, clean):
    workdir, _, _ = quarantined
    statuses = query(workdir, "select member_id, status from member_status where in_members_extract")

    assert sorted(statuses["member_id"]) == sorted(clean["members"]["member_id"])
    assert (statuses["status"] == "segmented").sum() == query(workdir, "select count(*) as n from member_segments").loc[
        0, "n"
    ]


# --- unparseable values: CSV carries text, so a date or an amount can be anything ---------------------------


CSV_DEFECTS = (
    "date_of_birth_not_a_date",
    "premium_with_a_decimal_comma",
    "login_time_in_words",
    "paid_amount_not_a_number",
)


def csv_defects(clean: Extracts, cast: list[str]) -> dict[str, Quarantine]:
    enrollment = clean["enrollments"].loc[clean["enrollments"]["member_id"] == cast[19], "enrollment_id"].iloc[0]
    claim = clean["claims"].iloc[0].to_dict()

    return {
        "date_of_birth_not_a_date": Quarantine(
            "members",
            cast[18],
            "date_of_birth_unparseable",
            set_value("members", "member_id", cast[18], "date_of_birth", "1985-13-45"),
        ),
        "premium_with_a_decimal_comma": Quarantine(
            "enrollments",
            enrollment,
            "monthly_premium_unparseable",
            set_value("enrollments", "enrollment_id", enrollment, "monthly_premium", "12,50"),
        ),
        "login_time_in_words": Quarantine(
            "portal_logins",
            f"{cast[20]}|yesterday",
            "login_at_unparseable",
            add_row("portal_logins", member_id=cast[20], login_at="yesterday", channel="web"),
        ),
        "paid_amount_not_a_number": Quarantine(
            "claims",
            "C-NAN",
            "paid_amount_unparseable",
            add_row("claims", **{**claim, "claim_id": "C-NAN", "paid_amount": "n/a"}),
        ),
    }


@pytest.fixture(scope="module")
def unparseable(clean, cast, tmp_path_factory) -> tuple[Path, BuildResult, dict[str, Quarantine]]:
    """Every CSV defect at once, as text cells their contract type cannot read."""
    defects = csv_defects(clean, cast)
    extracts = {table: frame.astype(object) for table, frame in clean.items()}
    for defect in defects.values():
        defect.apply(extracts)
    workdir = tmp_path_factory.mktemp("unparseable")
    result = run_build(workdir, write_extracts(extracts, workdir / "raw", "csv"), {"raw_format": "csv"})
    return workdir, result, defects


@pytest.mark.parametrize("name", CSV_DEFECTS)
def test_value_that_does_not_parse_is_quarantined_not_a_failed_cast(unparseable, name):
    workdir, result, defects = unparseable
    defect = defects[name]

    assert result.returncode == 0, result.output[-4000:]
    assert rejected(workdir, defect.source_table, defect.natural_key).to_dict("records") == [
        {"rejection_rule": defect.rejection_rule, "extract_rows": 1}
    ]


def test_the_unparseable_text_is_kept_in_original_values(unparseable, cast):
    workdir, _, _ = unparseable

    original = query(workdir, f"select original_values from rejected_rows where natural_key = '{cast[18]}'").loc[
        0, "original_values"
    ]

    assert '"date_of_birth":"1985-13-45"' in original


# --- defects that stop the build -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildSlot:
    """One extract folder, warehouse and target, reused build after build: with the same vars dbt re-parses
    nothing, so a build that stops early stops in seconds."""

    workdir: Path

    @property
    def raw(self) -> Path:
        return self.workdir / "raw"

    def build(
        self,
        extracts: Extracts,
        mangle: Callable[[Path], None] | None = None,
        dbt_vars: dict | None = None,
    ) -> BuildResult:
        write_extracts(extracts, self.raw)
        if mangle:
            mangle(self.raw)
        for leftover in self.workdir.glob("warehouse.duckdb*"):
            leftover.unlink()
        return run_build(self.workdir, self.raw, dbt_vars)


@pytest.fixture(scope="module")
def slot(tmp_path_factory) -> BuildSlot:
    return BuildSlot(tmp_path_factory.mktemp("slot"))


def rewrite_parquet(raw: Path, table: str, select: str) -> None:
    """Replace an extract with a query over it (DuckDB SQL; {rows} is the current file)."""
    path = raw / f"{table}.parquet"
    duckdb.sql(select.format(rows=f"read_parquet('{path}')")).write_parquet(str(raw / "rewritten.parquet"))
    (raw / "rewritten.parquet").replace(path)


READABLE_AS_DATE = "VARCHAR, DATE, TIMESTAMP, TIMESTAMP_S, TIMESTAMP_MS, TIMESTAMP_NS, TIMESTAMP WITH TIME ZONE"
PREFLIGHT_DEFECTS = {
    "extract_file_missing": (
        lambda raw: (raw / "claims.parquet").unlink(),
        "Extract {raw}/claims.parquet is missing (files in {raw}: call_center_contacts.parquet, email_events.parquet, "
        "enrollments.parquet, members.parquet, plans.parquet, portal_logins.parquet).",
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


# --- faults: a second build, a killed build, a repeated build ------------------------------------------------


def wait_for_line(log: Path, fragment: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while fragment not in log.read_text():
        assert process.poll() is None, f"the build ended before printing {fragment!r}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no {fragment!r} after {timeout}s"
        time.sleep(0.05)


def start_build(workdir: Path, raw: Path, log: Path, dbt_vars: dict | None = None) -> subprocess.Popen:
    """A build in the background, in its own process group so that it can be killed with dbt."""
    command, env = build_command(workdir, raw, dbt_vars)
    with log.open("w") as output:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def kill_process_group(process: subprocess.Popen, timeout: float = 30) -> None:
    """kill -9 the build and dbt under it, and wait until none of them is left holding the warehouse."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes of group {process.pid} still alive {timeout}s after kill -9")


def assignments(workdir: Path) -> str:
    """Every member's segment, persona and distance, as text: equal text is byte-identical output."""
    return query(workdir, "select * from member_outreach order by member_id").to_csv(index=False)


@pytest.fixture(scope="module")
def second_build(small_build, small_extracts, tmp_path_factory) -> dict:
    """The small plan built again on the same warehouse, with a third build started while it runs."""
    workdir, _ = small_build
    tmp_path = tmp_path_factory.mktemp("second_build")
    before = assignments(workdir)
    log = tmp_path / "rebuild.log"
    rebuild = start_build(workdir, small_extracts, log)
    wait_for_line(log, "START", rebuild)
    intruder_workdir = tmp_path / "intruder"
    shutil.copytree(workdir / "target", intruder_workdir / "target")
    intruder = run_build(
        intruder_workdir,
        small_extracts,
        env={"DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"), "DBT_TARGET_PATH": str(intruder_workdir / "target")},
    )
    return {"before": before, "rebuild_code": rebuild.wait(), "after": assignments(workdir), "intruder": intruder}


def test_a_build_started_while_another_writes_the_warehouse_stops_with_a_readable_message(second_build):
    intruder = second_build["intruder"]

    assert intruder.returncode == 75
    assert re.search(
        r"warehouse\.duckdb is being written by another dbt build \(pid \d+\); wait for it to finish, then run the "
        r"build again\.",
        intruder.output,
    )
    assert "Traceback" not in intruder.output
    assert second_build["rebuild_code"] == 0


def test_rebuilding_the_same_extracts_gives_byte_identical_assignments(second_build):
    assert second_build["after"] == second_build["before"]


def test_a_build_killed_mid_run_leaves_the_previous_marts_intact_and_readable(small_build, small_extracts, tmp_path):
    workdir, _ = small_build
    killed_workdir = tmp_path / "killed"
    killed_workdir.mkdir()
    shutil.copy(workdir / "warehouse.duckdb", killed_workdir / "warehouse.duckdb")
    previous_assignments = assignments(killed_workdir)
    previous_profiles = query(killed_workdir, "select * from segment_profiles order by segment_id")
    log = tmp_path / "killed.log"

    build = start_build(killed_workdir, small_extracts, log, {"as_of_date": "2025-11-30"})
    wait_for_line(log, "START python table model main.segment_centroids", build)
    kill_process_group(build)

    assert build.returncode == -signal.SIGKILL
    assert assignments(killed_workdir) == previous_assignments
    pd.testing.assert_frame_equal(
        query(killed_workdir, "select * from segment_profiles order by segment_id"), previous_profiles
    )
    assert len(query(killed_workdir, "select distinct as_of_date from member_features")) == 1

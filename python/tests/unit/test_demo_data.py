"""The demo-data generator writes the project's input contract, reproducibly, with the edge cases it promises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from segmentation_tools.demo_data.generate import PLAN_BANDS, _next_plan_of_band, _plans_table, generate_extracts

AS_OF = date(2025, 12, 31)
WINDOW_START = date(2024, 12, 31)  # exclusive
MEMBERS = 2_000
CHUNK_MEMBERS = 700  # three chunks, so every property below also holds across chunk boundaries
PERSONAS = {"Digital Learners", "Highly Engaged Users", "Care Management Members", "Cost Sensitive Members"}
# The public input contract, stated here independently of the generator so a change to it is caught.
CONTRACT = {
    "members": {
        "member_id": pa.string(),
        "date_of_birth": pa.date32(),
        "sex": pa.string(),
        "state": pa.string(),
        "county_fips": pa.string(),
        "preferred_language": pa.string(),
    },
    "enrollments": {
        "enrollment_id": pa.string(),
        "member_id": pa.string(),
        "plan_id": pa.string(),
        "coverage_start": pa.date32(),
        "coverage_end": pa.date32(),
        "monthly_premium": pa.float64(),
        "aptc_amount": pa.float64(),
    },
    "plans": {
        "plan_id": pa.string(),
        "plan_year": pa.int32(),
        "metal_tier": pa.string(),
        "deductible": pa.float64(),
    },
    "claims": {
        "claim_id": pa.string(),
        "member_id": pa.string(),
        "service_date": pa.date32(),
        "claim_type": pa.string(),
        "paid_amount": pa.float64(),
    },
    "portal_logins": {"member_id": pa.string(), "login_at": pa.timestamp("us"), "channel": pa.string()},
    "email_events": {
        "member_id": pa.string(),
        "campaign_id": pa.string(),
        "event_type": pa.string(),
        "event_at": pa.timestamp("us"),
    },
    "call_center_contacts": {
        "contact_id": pa.string(),
        "member_id": pa.string(),
        "contact_at": pa.timestamp("us"),
        "reason": pa.string(),
    },
}
EVENT_DATES = {
    "claims": "service_date",
    "portal_logins": "login_at",
    "email_events": "event_at",
    "call_center_contacts": "contact_at",
}


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raw_parquet")
    generate_extracts(MEMBERS, out, AS_OF, seed=42, file_format="parquet", chunk_members=CHUNK_MEMBERS)
    return out


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raw_csv")
    generate_extracts(MEMBERS, out, AS_OF, seed=42, file_format="csv", chunk_members=CHUNK_MEMBERS)
    return out


def read(raw: Path, table: str) -> pa.Table:
    return pq.read_table(raw / f"{table}.parquet")


def file_bytes(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes() for path in directory.rglob("*") if path.is_file()}


def event_dates(raw: Path, table: str) -> pa.Array:
    return pc.cast(read(raw, table).column(EVENT_DATES[table]), pa.date32())


def active_on_as_of(enrollments: pa.Table) -> pa.Table:
    starts_by = pc.less_equal(enrollments["coverage_start"], pa.scalar(AS_OF))
    not_ended = pc.or_kleene(
        pc.is_null(enrollments["coverage_end"]), pc.greater_equal(enrollments["coverage_end"], pa.scalar(AS_OF))
    )
    return enrollments.filter(pc.and_(starts_by, not_ended))


def test_same_seed_writes_byte_identical_files(tmp_path):
    for run in ("first", "second"):
        generate_extracts(300, tmp_path / run, AS_OF, seed=7)

    assert file_bytes(tmp_path / "first") == file_bytes(tmp_path / "second")


def test_more_members_append_chunks_and_leave_the_earlier_ones_unchanged(tmp_path):
    generate_extracts(200, tmp_path / "one_chunk", AS_OF, chunk_members=200)
    generate_extracts(500, tmp_path / "three_chunks", AS_OF, chunk_members=200)

    for table in CONTRACT:
        first_chunk = read(tmp_path / "one_chunk", table)
        assert read(tmp_path / "three_chunks", table).slice(0, first_chunk.num_rows).equals(first_chunk), table


def test_chunking_shares_one_plan_line_up(tmp_path):
    generate_extracts(300, tmp_path / "whole", AS_OF)
    generate_extracts(300, tmp_path / "chunked", AS_OF, chunk_members=100)

    assert read(tmp_path / "chunked", "plans").equals(read(tmp_path / "whole", "plans"))


def test_another_seed_writes_different_data(tmp_path):
    generate_extracts(300, tmp_path / "seed7", AS_OF, seed=7)
    generate_extracts(300, tmp_path / "seed8", AS_OF, seed=8)

    assert read(tmp_path / "seed7", "claims") != read(tmp_path / "seed8", "claims")


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_writes_exactly_the_seven_extracts_and_the_truth(file_format, parquet_dir, csv_dir):
    raw = parquet_dir if file_format == "parquet" else csv_dir

    assert set(file_bytes(raw)) == {f"{table}.{file_format}" for table in CONTRACT} | {
        "_truth/planted_personas.parquet"
    }


@pytest.mark.parametrize("table", CONTRACT)
def test_parquet_extract_has_exactly_the_contract_columns_and_types(table, parquet_dir):
    schema = read(parquet_dir, table).schema

    assert dict(zip(schema.names, schema.types, strict=True)) == CONTRACT[table]


@pytest.mark.parametrize("table", CONTRACT)
def test_csv_extract_has_a_header_of_the_contract_columns_and_holds_the_parquet_rows(table, parquet_dir, csv_dir):
    path = csv_dir / f"{table}.csv"
    header = path.read_text().splitlines()[0]
    typed = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=CONTRACT[table]))

    assert header.replace('"', "").split(",") == list(CONTRACT[table])
    assert typed.equals(read(parquet_dir, table))


def test_returned_row_counts_match_the_files_written(tmp_path):
    rows = generate_extracts(300, tmp_path, AS_OF)

    assert rows == {table: read(tmp_path, table).num_rows for table in CONTRACT}


def test_member_ids_are_unique(parquet_dir):
    member_ids = read(parquet_dir, "members")["member_id"]

    assert pc.count_distinct(member_ids).as_py() == len(member_ids) == MEMBERS


@pytest.mark.parametrize("table", ["enrollments", *EVENT_DATES])
def test_every_member_id_in_an_extract_is_a_member(table, parquet_dir):
    members = read(parquet_dir, "members")["member_id"]
    member_ids = read(parquet_dir, table)["member_id"]

    assert pc.all(pc.is_in(member_ids, value_set=members.combine_chunks())).as_py()


def test_enrollment_and_contact_ids_stay_unique_across_chunks(parquet_dir):
    enrollment_ids = read(parquet_dir, "enrollments")["enrollment_id"]
    per_contact = (
        read(parquet_dir, "call_center_contacts").group_by("contact_id").aggregate([("member_id", "count_distinct")])
    )

    assert pc.count_distinct(enrollment_ids).as_py() == len(enrollment_ids)
    assert pc.max(per_contact["member_id_count_distinct"]).as_py() == 1


def test_every_enrollment_plan_is_in_the_plans_extract(parquet_dir):
    plans = read(parquet_dir, "plans")
    plan_ids = read(parquet_dir, "enrollments")["plan_id"]

    assert pc.all(pc.is_in(plan_ids, value_set=plans["plan_id"].combine_chunks())).as_py()
    assert pc.count_distinct(plans["plan_id"]).as_py() == plans.num_rows
    assert set(plans["plan_year"].to_pylist()) == {AS_OF.year - 1, AS_OF.year}


def test_county_fips_is_a_five_digit_code_of_the_members_state(parquet_dir):
    state_fips = {"TX": "48", "FL": "12", "GA": "13", "NC": "37", "SC": "45", "AL": "01", "TN": "47", "VA": "51"}
    members = read(parquet_dir, "members").to_pylist()

    assert all(len(m["county_fips"]) == 5 and m["county_fips"].isdigit() for m in members)
    assert all(m["county_fips"][:2] == state_fips[m["state"]] for m in members)


@pytest.mark.parametrize("table", EVENT_DATES)
def test_events_fall_before_the_window_inside_it_and_after_the_as_of_date(table, parquet_dir):
    dates = event_dates(parquet_dir, table)

    assert pc.any(pc.less_equal(dates, pa.scalar(WINDOW_START))).as_py()
    assert pc.any(pc.greater(dates, pa.scalar(AS_OF))).as_py()
    in_window = pc.and_(pc.greater(dates, pa.scalar(WINDOW_START)), pc.less_equal(dates, pa.scalar(AS_OF)))
    assert pc.sum(in_window).as_py() > len(dates) / 2


def test_some_logins_land_on_the_as_of_date_and_on_the_window_start(parquet_dir):
    dates = event_dates(parquet_dir, "portal_logins")

    assert pc.any(pc.equal(dates, pa.scalar(AS_OF))).as_py()
    assert pc.any(pc.equal(dates, pa.scalar(WINDOW_START))).as_py()


def test_most_but_not_all_members_have_an_enrollment_active_on_the_as_of_date(parquet_dir):
    active_members = pc.count_distinct(active_on_as_of(read(parquet_dir, "enrollments"))["member_id"]).as_py()

    assert 0.85 * MEMBERS <= active_members < 0.95 * MEMBERS


def test_some_members_have_two_enrollments_active_on_the_as_of_date(parquet_dir):
    active = active_on_as_of(read(parquet_dir, "enrollments"))

    assert pc.count_distinct(active["member_id"]).as_py() < active.num_rows


def test_overlapping_coverage_spans_of_a_member_are_always_on_different_plans(parquet_dir):
    # Overlap on the same plan is quarantined by the pipeline; the generator's switches must not produce it.
    spans = read(parquet_dir, "enrollments").to_pandas()
    pairs = spans.merge(spans, on="member_id", suffixes=("", "_other"))
    open_end = pd.Timestamp("9999-12-31").date()
    overlapping = pairs[
        (pairs["enrollment_id"] < pairs["enrollment_id_other"])
        & (pairs["coverage_start"] <= pairs["coverage_end_other"].fillna(open_end))
        & (pairs["coverage_start_other"] <= pairs["coverage_end"].fillna(open_end))
    ]

    assert len(overlapping) > 0
    assert (overlapping["plan_id"] != overlapping["plan_id_other"]).all()


def test_a_switch_away_from_a_plan_lands_on_another_plan_of_the_same_band_and_year():
    plans = _plans_table(np.random.default_rng(0), AS_OF.year).to_pandas()
    band_of_row = np.concatenate([[band] * spec.plans_per_year for band, spec in enumerate(PLAN_BANDS.values())] * 2)
    rows = np.arange(len(plans))

    moved = _next_plan_of_band(rows, band_of_row)

    assert (moved != rows).all()
    assert (band_of_row[moved] == band_of_row).all()
    assert (plans["plan_year"].to_numpy()[moved] == plans["plan_year"].to_numpy()).all()


def test_some_members_only_have_coverage_that_starts_after_the_as_of_date(parquet_dir):
    enrollments = read(parquet_dir, "enrollments")
    first_start = enrollments.group_by("member_id").aggregate([("coverage_start", "min")])

    assert pc.any(pc.greater(first_start["coverage_start_min"], pa.scalar(AS_OF))).as_py()


def test_claims_can_span_several_lines_that_share_member_and_service_date(parquet_dir):
    per_claim = (
        read(parquet_dir, "claims")
        .group_by("claim_id")
        .aggregate([("claim_id", "count"), ("member_id", "count_distinct"), ("service_date", "count_distinct")])
    )

    assert pc.max(per_claim["claim_id_count"]).as_py() > 1
    assert pc.max(per_claim["claim_id_count"]).as_py() <= 5
    assert pc.max(per_claim["member_id_count_distinct"]).as_py() == 1
    assert pc.max(per_claim["service_date_count_distinct"]).as_py() == 1


def test_money_is_non_negative_and_in_cents_and_deductibles_in_whole_dollars(parquet_dir):
    enrollments = read(parquet_dir, "enrollments")
    amounts = [enrollments["monthly_premium"], enrollments["aptc_amount"], read(parquet_dir, "claims")["paid_amount"]]

    for column in amounts:
        assert pc.min(column).as_py() >= 0
        assert pc.all(pc.equal(pc.round(column, 2), column)).as_py()
    deductibles = read(parquet_dir, "plans")["deductible"]
    assert pc.all(pc.equal(pc.round(deductibles, 0), deductibles)).as_py()


def test_truth_names_one_of_the_four_personas_for_every_member(parquet_dir):
    truth = pq.read_table(parquet_dir / "_truth" / "planted_personas.parquet")
    members = read(parquet_dir, "members")

    assert truth.column_names == ["member_id", "planted_persona"]
    assert sorted(truth["member_id"].to_pylist()) == sorted(members["member_id"].to_pylist())
    assert set(truth["planted_persona"].to_pylist()) == PERSONAS


def test_unknown_file_format_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="file_format"):
        generate_extracts(10, tmp_path, AS_OF, file_format="json")

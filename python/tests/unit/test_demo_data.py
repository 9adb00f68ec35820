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
from segmentation_tools.demo_data.contract import EVENT_DATE_COLUMNS, EXTRACT_SCHEMAS, extract_schemas
from segmentation_tools.demo_data.generate import generate_extracts
from segmentation_tools.demo_data.plans import PLAN_BANDS, next_plan_of_band, plans_table

AS_OF = date(2025, 12, 31)
WINDOW_START = date(2024, 12, 31)  # exclusive
MEMBERS = 2_000
CHUNK_MEMBERS = 700  # three chunks, so every property below also holds across chunk boundaries
PERSONAS = {"Digital Learners", "Highly Engaged Users", "Care Management Members", "Cost Sensitive Members"}


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
    return pc.cast(read(raw, table).column(EVENT_DATE_COLUMNS[table]), pa.date32())


def active_on_as_of(enrollments: pa.Table) -> pa.Table:
    starts_by = pc.less_equal(enrollments["coverage_start"], pa.scalar(AS_OF))
    not_ended = pc.or_kleene(
        pc.is_null(enrollments["coverage_end"]), pc.greater_equal(enrollments["coverage_end"], pa.scalar(AS_OF))
    )
    return enrollments.filter(pc.and_(starts_by, not_ended))


SOURCES_YML = """
version: 2
sources:
  - name: other_source
    tables:
      - name: ignored
        columns: [{name: id, data_type: string}]
  - name: plan_extracts
    tables:
      - name: visits
        columns:
          - {name: visit_id, data_type: string}
          - {name: visited_on, data_type: date}
          - {name: checked_in_at, data_type: timestamp}
          - {name: copay, data_type: numeric}
          - {name: plan_year, data_type: integer}
"""


def test_extract_schemas_are_the_plan_extracts_sources_columns_in_order_as_arrow_types(tmp_path):
    (tmp_path / "sources.yml").write_text(SOURCES_YML)

    assert extract_schemas(tmp_path / "sources.yml") == {
        "visits": pa.schema(
            [
                ("visit_id", pa.string()),
                ("visited_on", pa.date32()),
                ("checked_in_at", pa.timestamp("us")),
                ("copay", pa.float64()),
                ("plan_year", pa.int32()),
            ]
        )
    }


def test_a_data_type_outside_the_contract_types_is_refused_naming_its_column(tmp_path):
    (tmp_path / "sources.yml").write_text(SOURCES_YML.replace("data_type: integer", "data_type: int"))

    with pytest.raises(ValueError, match=r"visits\.plan_year: data_type 'int' is not a contract type"):
        extract_schemas(tmp_path / "sources.yml")


@pytest.mark.parametrize(("table", "column"), EVENT_DATE_COLUMNS.items())
def test_each_event_extracts_date_column_is_a_date_or_timestamp_of_the_contract(table, column):
    stored = EXTRACT_SCHEMAS[table].field(column).type

    assert pa.types.is_date32(stored) or pa.types.is_timestamp(stored)


def test_same_seed_writes_byte_identical_files(tmp_path):
    for run in ("first", "second"):
        generate_extracts(300, tmp_path / run, AS_OF, seed=7)

    assert file_bytes(tmp_path / "first") == file_bytes(tmp_path / "second")


def test_more_members_append_chunks_and_leave_the_earlier_ones_unchanged(tmp_path):
    generate_extracts(200, tmp_path / "one_chunk", AS_OF, chunk_members=200)
    generate_extracts(500, tmp_path / "three_chunks", AS_OF, chunk_members=200)

    for table in EXTRACT_SCHEMAS:
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
def test_writes_exactly_the_contract_extracts_and_the_truth(file_format, parquet_dir, csv_dir):
    raw = parquet_dir if file_format == "parquet" else csv_dir

    assert set(file_bytes(raw)) == {f"{table}.{file_format}" for table in EXTRACT_SCHEMAS} | {
        "_truth/planted_personas.parquet",
        "demo_plan.json",  # the marker that says these extracts are the demo's (demo_data/marker.py)
    }


@pytest.mark.parametrize("table", EXTRACT_SCHEMAS)
def test_parquet_extract_has_exactly_the_contract_columns_and_types(table, parquet_dir):
    schema, contract = read(parquet_dir, table).schema, EXTRACT_SCHEMAS[table]

    assert list(zip(schema.names, schema.types, strict=True)) == list(zip(contract.names, contract.types, strict=True))


@pytest.mark.parametrize("table", EXTRACT_SCHEMAS)
def test_csv_extract_has_a_header_of_the_contract_columns_and_holds_the_parquet_rows(table, parquet_dir, csv_dir):
    path = csv_dir / f"{table}.csv"
    header = path.read_text().splitlines()[0]
    typed = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=EXTRACT_SCHEMAS[table]))

    assert header.replace('"', "").split(",") == EXTRACT_SCHEMAS[table].names
    assert typed.equals(read(parquet_dir, table))


def test_returned_row_counts_match_the_files_written(tmp_path):
    rows = generate_extracts(300, tmp_path, AS_OF)

    assert rows == {table: read(tmp_path, table).num_rows for table in EXTRACT_SCHEMAS}


def test_member_ids_are_unique(parquet_dir):
    member_ids = read(parquet_dir, "members")["member_id"]

    assert pc.count_distinct(member_ids).as_py() == len(member_ids) == MEMBERS


@pytest.mark.parametrize("table", ["enrollments", *EVENT_DATE_COLUMNS])
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


@pytest.mark.parametrize("table", EVENT_DATE_COLUMNS)
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
    plans = plans_table(np.random.default_rng(0), AS_OF.year).to_pandas()
    band_of_row = np.concatenate([[band] * spec.plans_per_year for band, spec in enumerate(PLAN_BANDS.values())] * 2)
    rows = np.arange(len(plans))

    moved = next_plan_of_band(rows, band_of_row)

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

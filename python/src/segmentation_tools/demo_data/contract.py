"""The input contract as Arrow schemas, read from where it is declared: the plan_extracts sources yml.

models/staging/plan_extracts/_plan_extracts__sources.yml lists every extract, its columns in file order and the
data_type each must be readable as. The demo-data generator writes its files in these schemas and the tests read
and write extracts with them, so the contract is written once.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import yaml

from segmentation_tools import PROJECT_ROOT

SOURCES_YML = PROJECT_ROOT / "models" / "staging" / "plan_extracts" / "_plan_extracts__sources.yml"
SOURCE_NAME = "plan_extracts"
# The Arrow type a Parquet extract stores for each contract data_type (a CSV extract holds the same values as text).
ARROW_TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "numeric": pa.float64(),
    "integer": pa.int32(),
    "boolean": pa.bool_(),
}


def extract_schemas(sources_yml: Path = SOURCES_YML) -> dict[str, pa.Schema]:
    """Each extract of the plan_extracts source, in the yml's order: its columns, in order, as Arrow types."""
    sources = yaml.safe_load(Path(sources_yml).read_text())["sources"]
    (source,) = (source for source in sources if source["name"] == SOURCE_NAME)
    return {
        table["name"]: pa.schema([(column["name"], _arrow_type(table["name"], column)) for column in table["columns"]])
        for table in source["tables"]
    }


def _arrow_type(table: str, column: dict) -> pa.DataType:
    data_type = column.get("data_type")
    if data_type not in ARROW_TYPES:
        known = ", ".join(ARROW_TYPES)
        raise ValueError(f"{table}.{column['name']}: data_type {data_type!r} is not a contract type (one of {known})")
    return ARROW_TYPES[data_type]


EXTRACT_SCHEMAS = extract_schemas()
# Each event extract's date column: the day an event happened, which decides the lookback window it counts in
# and, for demo snapshots, which snapshot's span holds the row.
EVENT_DATE_COLUMNS = {
    "claims": "service_date",
    "portal_logins": "login_at",
    "email_events": "event_at",
    "call_center_contacts": "contact_at",
}

"""publish_manifest.json: what a published folder holds, so a reader can check it before trusting it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq

from segmentation_tools.publish.selection import PublishedMart

MANIFEST_FILE = "publish_manifest.json"
HASH_CHUNK_BYTES = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(
    path: Path,
    as_of_date: dt.date,
    marts: list[PublishedMart],
    tables: dict[str, Path],
    hyper_file: Path | None,
) -> dict:
    """Write and return the manifest: as-of date, and per mart its file, rows, schema, checksum and PHI flag."""
    manifest = {
        "as_of_date": as_of_date.isoformat(),
        "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "contains_phi": any(mart.contains_phi for mart in marts),
        "marts": {},
        "hyper": None,
    }
    for mart in marts:
        parquet = pq.ParquetFile(tables[mart.name])
        manifest["marts"][mart.name] = {
            "file": tables[mart.name].name,
            "rows": parquet.metadata.num_rows,
            "contains_phi": mart.contains_phi,
            "description": mart.description,
            "columns": [{"name": field.name, "type": str(field.type)} for field in parquet.schema_arrow],
            "sha256": sha256_of(tables[mart.name]),
        }
    if hyper_file is not None:
        manifest["hyper"] = {"file": hyper_file.name, "schema": "Extract", "sha256": sha256_of(hyper_file)}
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest

"""python -m segmentation_tools.publish: make publish (docs/BI.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from segmentation_tools.publish.export import PublishError, publish
from segmentation_tools.publish.manifest import MANIFEST_FILE
from segmentation_tools.publish.selection import PublishSelectionError

DEFAULT_WAREHOUSE = Path(os.environ.get("DBT_DUCKDB_PATH", "warehouse/member_segmentation.duckdb"))
DEFAULT_DBT_MANIFEST = Path(os.environ.get("DBT_TARGET_PATH", "target")) / "manifest.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="the built DuckDB warehouse")
    parser.add_argument("--dbt-manifest", type=Path, default=DEFAULT_DBT_MANIFEST, help="the build's manifest.json")
    parser.add_argument("--out", type=Path, default=Path("published"), help="folder of the dated publish folders")
    parser.add_argument("--include-phi", action="store_true", help="also the member-level marts (contains_phi)")
    parser.add_argument("--mart", help="publish this mart alone (make publish-send-list: outreach_send_list)")
    parser.add_argument("--csv", action="store_true", help="also a CSV file (with a header) beside each Parquet file")
    hyper = parser.add_mutually_exclusive_group()
    hyper.add_argument("--hyper", dest="hyper", action="store_true", default=None, help="require the Hyper extract")
    hyper.add_argument("--no-hyper", dest="hyper", action="store_false", help="Parquet and manifest only")
    args = parser.parse_args(argv)
    try:
        folder = publish(
            args.warehouse,
            args.dbt_manifest,
            args.out,
            include_phi=args.include_phi,
            hyper=args.hyper,
            mart=args.mart,
            csv=args.csv,
        )
    except (PublishError, PublishSelectionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"published {folder} ({folder / MANIFEST_FILE})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

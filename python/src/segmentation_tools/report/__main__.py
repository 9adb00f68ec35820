"""``python -m segmentation_tools.report``: render the segment report from a built warehouse (``make report``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from segmentation_tools import create_files_owner_only
from segmentation_tools.report.html import render_report
from segmentation_tools.report.warehouse import read_report_data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Render the segment report (one static HTML file).")
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("DBT_DUCKDB_PATH", "warehouse/member_segmentation.duckdb")),
        help="the warehouse dbt built (default: $DBT_DUCKDB_PATH, as profiles.yml)",
    )
    parser.add_argument("--out", type=Path, default=Path("target/segment_report.html"))
    parser.add_argument(
        "--project-file",
        type=Path,
        default=Path("dbt_project.yml"),
        help="the dbt project whose vars hold the drift and fairness limits the charts draw",
    )
    parser.add_argument(
        "--sample-size", type=int, default=20_000, help="members sampled for distributions and the projection"
    )
    args = parser.parse_args(argv)
    create_files_owner_only()
    if not args.database.exists():
        parser.error(f"{args.database} does not exist; run `make build` first.")
    page = render_report(read_report_data(args.database, args.sample_size, args.project_file))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page, encoding="utf-8")
    print(f"wrote {args.out} ({len(page) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

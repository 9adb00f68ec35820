"""Command line: `python -m segmentation_tools.demo_data --members 500000 --out data/raw --as-of-date 2025-12-31`.

With `--snapshots 3` it writes three monthly snapshots of the same plan ending on the as-of date instead, one
folder each: data/refresh/2025-10-31, data/refresh/2025-11-30, data/refresh/2025-12-31.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from segmentation_tools.demo_data.generate import (
    FILE_FORMATS,
    generate_extracts,
    generate_snapshots,
    monthly_as_of_dates,
)
from segmentation_tools.demo_data.marker import DemoPlan, reuse_decision


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation_tools.demo_data",
        description="Write seeded raw extracts of a health plan with four planted member personas.",
    )
    parser.add_argument("--members", type=int, default=500_000, help="members to generate")
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="output directory")
    parser.add_argument(
        "--as-of-date",
        type=dt.date.fromisoformat,
        default=dt.date(2025, 12, 31),
        help="date the lookback window ends on (YYYY-MM-DD); with --snapshots, the last snapshot's",
    )
    parser.add_argument("--format", choices=FILE_FORMATS, default="parquet", dest="file_format")
    parser.add_argument("--seed", type=int, default=42, help="same seed and arguments give the same bytes")
    parser.add_argument(
        "--snapshots",
        type=int,
        default=1,
        help="monthly snapshots of the same plan ending on the as-of date, each in OUT/<as-of date>/ (default 1: "
        "one set of extracts in OUT)",
    )
    parser.add_argument(
        "--change-share",
        type=float,
        default=0.05,
        help="with --snapshots: share of members whose behaviour truly changes each month (default 0.05)",
    )
    parser.add_argument(
        "--shift-share",
        type=float,
        default=0.0,
        help="with --snapshots: make the last snapshot a shifted population, this share of members showing "
        "another persona's activity over their whole window (default 0: no shift)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep OUT when it already holds this demo plan (its demo_plan.json matches the arguments), regenerate "
        "it when it holds another one, refuse when it holds extracts without the marker (`make build` uses this)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    if args.reuse:
        if args.snapshots != 1:
            raise SystemExit("--reuse is for one set of extracts (make build), not --snapshots")
        wanted = DemoPlan(args.members, args.as_of_date.isoformat(), args.seed, args.file_format)
        try:
            reuse, message = reuse_decision(args.out, wanted)
        except ValueError as refusal:
            raise SystemExit(f"error: {refusal}") from None
        print(message)
        if reuse:
            return
    started = time.perf_counter()
    if args.snapshots == 1:
        written = {
            args.as_of_date: generate_extracts(args.members, args.out, args.as_of_date, args.seed, args.file_format)
        }
    else:
        written = generate_snapshots(
            args.members,
            args.out,
            monthly_as_of_dates(args.as_of_date, args.snapshots),
            args.seed,
            args.file_format,
            change_share=args.change_share,
            shift_share=args.shift_share,
        )
    for as_of_date, rows in written.items():
        if len(written) > 1:
            print(f"{args.out / as_of_date.isoformat()}:")
        for table, count in rows.items():
            print(f"{table:<22}{count:>12,} rows")
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()

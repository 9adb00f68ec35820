"""Command line: `python -m demo_data --members 500000 --out data/raw --as-of-date 2025-12-31`."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from demo_data.generate import FILE_FORMATS, generate_extracts


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m demo_data",
        description="Write seeded raw extracts of a health plan with four planted member personas.",
    )
    parser.add_argument("--members", type=int, default=500_000, help="members to generate")
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="output directory")
    parser.add_argument(
        "--as-of-date",
        type=dt.date.fromisoformat,
        default=dt.date(2025, 12, 31),
        help="date the lookback window ends on (YYYY-MM-DD)",
    )
    parser.add_argument("--format", choices=FILE_FORMATS, default="parquet", dest="file_format")
    parser.add_argument("--seed", type=int, default=42, help="same seed and arguments give the same bytes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    started = time.perf_counter()
    rows = generate_extracts(args.members, args.out, args.as_of_date, args.seed, args.file_format)
    for table, count in rows.items():
        print(f"{table:<22}{count:>12,} rows")
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()

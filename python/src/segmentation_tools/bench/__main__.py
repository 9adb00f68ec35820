"""`make bench`: the project's dbt build against the plain-pandas baseline, per plan size, into docs/BENCHMARKS.md.

python -m segmentation_tools.bench [--large] [--sizes N ...] [--pairs N] [--memory-ceiling-gib 4]
    [--data-dir data/bench] [--runs-dir target/bench] [--full-parse] [--report docs/BENCHMARKS.md]

Per size: generate the demo extracts once (cached in data-dir/<members>/), then alternate a full dbt build on a
fresh warehouse and the baseline on the same files, each a child process measured for wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from segmentation_tools.bench.harness import (
    CLUSTERS_FILE,
    REPO_ROOT,
    TIMINGS_FILE,
    Measurement,
    MemoryCeilingError,
    cached_extracts,
    describe_machine,
    run_baseline,
    run_project,
    run_results_path,
    warehouse_path,
)
from segmentation_tools.bench.report import GIB, render_report, splice_results
from segmentation_tools.bench.results import (
    BaselineRun,
    ProjectRun,
    SizeResult,
    baseline_recovery,
    node_seconds,
    project_recovery,
    read_phase_timings,
)

DEFAULT_SIZES = (50_000, 500_000)
LARGE_SIZES = (5_000_000,)
# The issue asks for at least 3 pairs at 500,000 members; one is enough to see the scale at the other sizes.
DEFAULT_PAIRS = {500_000: 3}
# Well below the shared machine's memory, above the 3 GiB the build may take at 5,000,000 members and the
# baseline's 2.6 GiB at 500,000; the baseline passes it at 5,000,000.
DEFAULT_MEMORY_CEILING_GIB = 4.0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m segmentation_tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="add 5,000,000 members")
    parser.add_argument("--sizes", type=int, nargs="+", help="plan sizes in members (default: 50,000 and 500,000)")
    parser.add_argument("--pairs", type=int, help="dbt build/baseline pairs per size (default: 3 at 500,000, else 1)")
    parser.add_argument(
        "--memory-ceiling-gib",
        type=float,
        default=DEFAULT_MEMORY_CEILING_GIB,
        help="kill any run whose RSS passes this (default: %(default)s)",
    )
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "data" / "bench", help="extract cache")
    parser.add_argument(
        "--runs-dir",
        type=Path,
        default=REPO_ROOT / "target" / "bench",
        help="work directories of the runs (default: %(default)s; the extract cache may be shared, the runs are not)",
    )
    parser.add_argument(
        "--full-parse",
        action="store_true",
        help="parse the whole project in every build, as on a fresh checkout (default: keep dbt's partial-parse cache)",
    )
    parser.add_argument("--report", type=Path, default=REPO_ROOT / "docs" / "BENCHMARKS.md", help="file to update")
    return parser.parse_args(argv)


def bench_size(
    members: int, pairs: int, data_dir: Path, runs_dir: Path, rss_ceiling_bytes: int, *, keep_parse_cache: bool = True
) -> SizeResult:
    """Alternate project and baseline runs on one size's cached extracts; every run's figures, in run order.

    A contender killed at the memory ceiling is reported as such and not tried again at this size: the other
    sizes' figures are worth keeping, and a retry would only pass the ceiling again.
    """
    _progress(f"{members:,} members: extracts in {data_dir / str(members)}")
    extracts = cached_extracts(data_dir, members, rss_ceiling_bytes)
    runners = {
        "project": lambda raw, workdir, ceiling: _project_run(raw, workdir, ceiling, keep_parse_cache=keep_parse_cache),
        "baseline": _baseline_run,
    }
    runs: dict[str, list] = {contender: [] for contender in runners}
    killed: dict[str, Measurement] = {}
    for pair in range(1, pairs + 1):
        for contender, run in runners.items():
            if contender in killed:
                continue
            _progress(f"{members:,} members, pair {pair}/{pairs}: {contender}")
            workdir = runs_dir / str(members) / contender
            try:
                runs[contender].append(run(extracts.path, workdir, rss_ceiling_bytes))
            except MemoryCeilingError as error:
                killed[contender] = error.measurement
    return SizeResult(
        members=members,
        pairs=pairs,
        extracts=extracts,
        project=tuple(runs["project"]),
        baseline=tuple(runs["baseline"]),
        killed=killed,
    )


def _project_run(raw: Path, workdir: Path, rss_ceiling_bytes: int, *, keep_parse_cache: bool) -> ProjectRun:
    measurement = run_project(raw, workdir, rss_ceiling_bytes, keep_parse_cache=keep_parse_cache)
    run_results = json.loads(run_results_path(workdir).read_text())
    return ProjectRun(
        measurement=measurement,
        dbt_elapsed_seconds=run_results["elapsed_time"],
        node_seconds=node_seconds(run_results),
        phases=read_phase_timings(workdir / TIMINGS_FILE),
        recovery=project_recovery(warehouse_path(workdir), raw),
    )


def _baseline_run(raw: Path, workdir: Path, rss_ceiling_bytes: int) -> BaselineRun:
    measurement = run_baseline(raw, workdir, rss_ceiling_bytes)
    return BaselineRun(measurement=measurement, recovery=baseline_recovery(workdir / CLUSTERS_FILE, raw))


def _progress(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    sizes = args.sizes or [*DEFAULT_SIZES, *(LARGE_SIZES if args.large else ())]
    machine = describe_machine()
    measured_at = dt.datetime.now(dt.UTC)
    ceiling = int(args.memory_ceiling_gib * GIB)
    keep_parse_cache = not args.full_parse
    results = [
        bench_size(
            members,
            args.pairs or DEFAULT_PAIRS.get(members, 1),
            args.data_dir,
            args.runs_dir,
            ceiling,
            keep_parse_cache=keep_parse_cache,
        )
        for members in sizes
    ]
    report = render_report(machine, results, measured_at, ceiling, keep_parse_cache=keep_parse_cache)
    print(report)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    existing = args.report.read_text() if args.report.exists() else ""
    args.report.write_text(splice_results(existing, report))


if __name__ == "__main__":
    main()

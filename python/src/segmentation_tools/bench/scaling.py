"""`make bench-scaling`: where a full dbt build's time goes, layer by layer, per engine and plan size
(docs/SCALING.md).

python -m segmentation_tools.bench.scaling --engine duckdb [--sizes 50000 500000 5000000]
python -m segmentation_tools.bench.scaling --engine spark [--sizes 2500 20000 100000]

Per size: the cached demo extracts (as `make bench`), one full build on a fresh warehouse, measured for wall
time, and dbt's node times summed by layer of the data flow (run_results.json and the manifest). On DuckDB
the peak RSS is the build's (os.wait4); on Spark the JVM is a child of the build that it does not wait for,
so it is not reported (the profile caps the driver's heap with spark.driver.memory). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from segmentation_tools.bench.harness import (
    REPO_ROOT,
    cached_extracts,
    measure,
    run_project,
    run_results_path,
    spark_build_command,
)
from segmentation_tools.bench.report import GIB, format_bytes, format_seconds, markdown_table
from segmentation_tools.bench.results import node_kind

DEFAULT_SIZES = {"duckdb": (50_000, 500_000, 5_000_000), "spark": (2_500, 20_000, 100_000)}
MEMORY_CEILING_GIB = 8.0
# The data flow's layers, by the folder a model is in (the README's data flow), then the other node kinds.
LAYERS = {
    "staging": "extracts: staging, validation, per-member aggregates",
    "intermediate": "extracts: staging, validation, per-member aggregates",
    "features": "member_features",
    "segments": "segments: fit sample, fit, assign every member, run record",
}
DOWNSTREAM = "downstream marts: outreach, fairness, quality, history, monitoring"
# Intermediate helpers of a later layer, counted with the layer they serve rather than with the extracts'.
LAYER_OF_MODEL = {
    "int_members_sampled_for_fit": LAYERS["segments"],
    "int_segmentation_runs_paired": DOWNSTREAM,
    "int_personas_filtered_to_question": DOWNSTREAM,
    "int_member_outcomes_counted_by_audited_group": DOWNSTREAM,
}
KIND_LABELS = {"seed": "seeds", "test": "data tests", "unit_test": "unit tests"}
ROWS = [*dict.fromkeys(LAYERS.values()), DOWNSTREAM, *KIND_LABELS.values()]


def seconds_by_layer(run_results: dict, manifest: dict) -> dict[str, float]:
    """dbt's execution seconds summed by layer of the data flow (models) or by kind (seeds, tests)."""
    totals: defaultdict[str, float] = defaultdict(float)
    for result in run_results["results"]:
        unique_id = result["unique_id"]
        kind = node_kind(unique_id)
        if kind == "model":
            path = Path(manifest["nodes"][unique_id]["original_file_path"])
            layer = LAYER_OF_MODEL.get(path.stem) or next(
                (LAYERS[part] for part in path.parts[1:-1] if part in LAYERS), DOWNSTREAM
            )
            totals[layer] += result["execution_time"]
        elif kind in KIND_LABELS:
            totals[KIND_LABELS[kind]] += result["execution_time"]
    return dict(totals)


def spark_build(raw: Path, workdir: Path, ceiling_bytes: int) -> tuple[float, int | None]:
    argv, env = spark_build_command(workdir, raw)
    measurement = measure(argv, env, workdir / "dbt.out", ceiling_bytes)
    return measurement.wall_seconds, None


def duckdb_build(raw: Path, workdir: Path, ceiling_bytes: int) -> tuple[float, int | None]:
    measurement = run_project(raw, workdir, ceiling_bytes)
    return measurement.wall_seconds, measurement.peak_rss_bytes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation_tools.bench.scaling", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--engine", choices=sorted(DEFAULT_SIZES), required=True)
    parser.add_argument("--sizes", type=int, nargs="+", help="plan sizes in members")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "data" / "bench")
    parser.add_argument("--runs-dir", type=Path, default=REPO_ROOT / "target" / "bench-scaling")
    args = parser.parse_args(argv)
    build = {"duckdb": duckdb_build, "spark": spark_build}[args.engine]
    ceiling = int(MEMORY_CEILING_GIB * GIB)
    columns = {}
    for members in args.sizes or DEFAULT_SIZES[args.engine]:
        print(f"[bench-scaling] {args.engine}, {members:,} members", file=sys.stderr, flush=True)
        extracts = cached_extracts(args.data_dir, members, ceiling)
        workdir = args.runs_dir / args.engine / str(members)
        wall_seconds, peak_rss = build(extracts.path, workdir, ceiling)
        run_results = json.loads(run_results_path(workdir).read_text())
        manifest = json.loads((run_results_path(workdir).parent / "manifest.json").read_text())
        layers = seconds_by_layer(run_results, manifest)
        columns[f"{members:,}"] = {
            "wall time": format_seconds(wall_seconds),
            "peak RSS": format_bytes(peak_rss) if peak_rss else "n/a",
            "dbt start-up and parsing (wall less dbt's elapsed)": format_seconds(
                wall_seconds - run_results["elapsed_time"]
            ),
            **{row: format_seconds(layers.get(row, 0.0)) for row in ROWS},
        }
    row_names = list(next(iter(columns.values())))
    table = [[name, *(column[name] for column in columns.values())] for name in row_names]
    print(f"{args.engine}: members", "(node times summed; dbt runs nodes on its threads side by side)")
    print(markdown_table(["", *columns], table, "l" + "r" * len(columns)))


if __name__ == "__main__":
    main()

"""The benchmark's report: medians and spreads, ratios, and the Markdown written to docs/BENCHMARKS.md.

All pure: results in, text out. Medians because the machine is shared and a single slow run says little;
min and max beside them so the noise is visible.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from segmentation_tools.bench.harness import REPO_ROOT, Machine, Measurement
from segmentation_tools.bench.results import (
    NODE_KINDS,
    ProjectRun,
    ScriptRun,
    SizeResult,
    node_kind,
    node_name,
    nodes_by_kind,
    seconds_by_kind,
)
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS

MIB = 1024**2
GIB = 1024**3
TOP_MODELS = 8
RESULTS_START = "<!-- bench:results:start (written by `make bench`: edit the text above, not below) -->"
RESULTS_END = "<!-- bench:results:end -->"


@dataclass(frozen=True)
class Spread:
    """Median, min and max of repeated measurements of one thing."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(median=statistics.median(values), low=min(values), high=max(values), runs=len(values))


def ratio(project: Spread, baseline: Spread) -> float:
    """Project over baseline, of the medians: below 1 means the project is faster or leaner."""
    return project.median / baseline.median


def median_by_key(runs: Iterable[dict[str, float]]) -> dict[str, float]:
    """Per key, the median over the runs that have it (keys in first-seen order)."""
    values: dict[str, list[float]] = {}
    for run in runs:
        for key, value in run.items():
            values.setdefault(key, []).append(value)
    return {key: statistics.median(seen) for key, seen in values.items()}


def format_seconds(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 1 else f"{seconds:.1f} s"


def format_bytes(size: float) -> str:
    return f"{size / MIB:,.0f} MiB" if size < GIB else f"{size / GIB:.2f} GiB"


def format_spread(spread: Spread, unit: Callable[[float], str]) -> str:
    """'9.7 s (9.5-9.9)' for repeated runs, just the value for one."""
    if spread.runs == 1:
        return unit(spread.median)
    return f"{unit(spread.median)} ({unit(spread.low)}-{unit(spread.high)})"


def format_share(share: float) -> str:
    return f"{share:.1%}"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str) -> str:
    """A GitHub table; align has one letter per column, l or r."""
    rule = ["---:" if letter == "r" else "---" for letter in align]
    lines = [header, rule, *rows]
    return "\n".join(f"| {' | '.join(line)} |" for line in lines)


def render_report(
    machine: Machine,
    results: Sequence[SizeResult],
    measured_at: dt.datetime,
    rss_ceiling_bytes: int,
    *,
    keep_parse_cache: bool = True,
) -> str:
    """The generated part of docs/BENCHMARKS.md: the machine, then one section per plan size."""
    versions = ", ".join(f"{package} {version}" for package, version in machine.versions.items())
    parsing = (
        "keeping dbt's partial-parse cache from an earlier parse, as a re-run does"
        if keep_parse_cache
        else "parsing the whole project (`--full-parse`), as on a fresh checkout"
    )
    header = (
        f"Measured {measured_at:%Y-%m-%d %H:%M} UTC on commit {machine.commit}: {machine.cores} cores "
        f"({machine.cpu_model}), {format_bytes(machine.memory_bytes)} memory, load average {machine.load_average:.1f} "
        f"when the bench started; {versions}. Runs are killed above {format_bytes(rss_ceiling_bytes)} RSS. "
        f"Every dbt build writes a fresh warehouse, {parsing}."
    )
    sizes = [render_size(result) for result in results]
    return "\n\n".join(["## Results", header, _cost_per_member_section(results), *sizes])


def render_size(result: SizeResult) -> str:
    parts = [f"### {result.members:,} members", _extracts_line(result), _headline_table(result)]
    parts += [_killed_line(contender, measurement) for contender, measurement in result.killed.items()]
    if not result.project:
        return "\n\n".join([*parts, "No dbt build finished under the memory ceiling, so there is no breakdown."])
    parts += [
        "Where the build's time goes (medians; dbt runs its nodes on 2 threads, so node times can add up to "
        "more than dbt's elapsed time):",
        _time_split_table(result),
        "Slowest models (median execution time):",
        _models_table(result),
        _phases_section(result),
    ]
    return "\n\n".join(parts)


def _extracts_line(result: SizeResult) -> str:
    extracts = result.extracts
    line = (
        f"{result.rounds} round{'s' if result.rounds > 1 else ''} (production build, baseline, floor) on "
        f"{extracts.rows:,} extract rows in {len(EXTRACT_SCHEMAS)} Parquet files ({format_bytes(extracts.bytes)}) in "
        f"`{_shown(extracts.path)}`"
    )
    if extracts.generation is None:
        return f"{line}."
    generation = extracts.generation
    return (
        f"{line}, generated in {format_seconds(generation.wall_seconds)} with a peak RSS of "
        f"{format_bytes(generation.peak_rss_bytes)}."
    )


def _headline_table(result: SizeResult) -> str:
    def cell(values: list[float], unit: Callable[[float], str]) -> str:
        return format_spread(Spread.of(values), unit) if values else "n/a"

    def ratio_cell(project: list[float], other: list[float]) -> str:
        return f"{ratio(Spread.of(project), Spread.of(other)):.2f}" if project and other else "n/a"

    def each(value: Callable[[ProjectRun | ScriptRun], float | None]) -> list[list[float]]:
        runs = (result.project, result.floor, result.baseline)
        return [[figure for run in contender if (figure := value(run)) is not None] for contender in runs]

    def row(label: str, values: list[list[float]], unit: Callable[[float], str], ratios: bool) -> list[str]:
        build, floor, baseline = values
        cells = [cell(build, unit), cell(floor, unit), cell(baseline, unit)]
        return [label, *cells, *((ratio_cell(build, baseline), ratio_cell(build, floor)) if ratios else ("", ""))]

    ari = "{:.4f}".format
    rows = [
        row("wall time, median (min-max)", each(lambda run: run.measurement.wall_seconds), format_seconds, True),
        row("peak RSS, median (min-max)", each(lambda run: run.measurement.peak_rss_bytes), format_bytes, True),
        row("CPU time (user + system), median", each(lambda run: run.measurement.cpu_seconds), format_seconds, True),
        row("persona recovery: adjusted Rand index", each(lambda run: run.recovery.adjusted_rand_index), ari, False),
        row(
            "load average when the run started", each(lambda run: run.measurement.load_average), "{:.1f}".format, False
        ),
    ]
    names = [run.recovery.names_correct for run in result.project if run.recovery.names_correct is not None]
    rows.append(["persona recovery: correct persona names", cell(names, format_share), "n/a", "n/a", "", ""])
    header = ["", "production build", "floor", "plain pandas", "build / pandas", "build / floor"]
    return markdown_table(header, rows, "lrrrrr")


def _cost_per_member_section(results: Sequence[SizeResult]) -> str:
    """One row per size: what the production build costs per member, against the floor and the baseline, so a
    cost that grows faster than the plan shows as a rising figure down the column."""

    def median(runs: Sequence[ProjectRun | ScriptRun], value: Callable[[Measurement], float]) -> float | None:
        return statistics.median(value(run.measurement) for run in runs) if runs else None

    def shown(value: float | None, unit: Callable[[float], str]) -> str:
        return "n/a" if value is None else unit(value)

    rows = []
    for result in results:
        build = median(result.project, lambda measurement: measurement.wall_seconds)
        floor = median(result.floor, lambda measurement: measurement.wall_seconds)
        baseline = median(result.baseline, lambda measurement: measurement.wall_seconds)
        rows.append(
            [
                f"{result.members:,}",
                shown(build, format_seconds),
                shown(None if build is None else build / result.members * 1e6, "{:.1f} µs".format),
                shown(median(result.project, lambda measurement: measurement.peak_rss_bytes), format_bytes),
                shown(None if build is None or floor is None else build / floor, "{:.2f}".format),
                shown(None if build is None or baseline is None else build / baseline, "{:.2f}".format),
            ]
        )
    header = ["members", "production build", "per member", "peak RSS", "build / floor", "build / pandas"]
    return "Per size (medians of each size's rounds):\n\n" + markdown_table(header, rows, "rrrrrr")


def _killed_line(contender: str, measurement: Measurement) -> str:
    return (
        f"The {contender} passed the memory ceiling and was killed after {format_seconds(measurement.wall_seconds)} "
        f"at {format_bytes(measurement.peak_rss_bytes)}; it was not tried again at this size, and its column holds "
        "only the runs that finished."
    )


def _time_split_table(result: SizeResult) -> str:
    start_up = statistics.median(run.measurement.wall_seconds - run.dbt_elapsed_seconds for run in result.project)
    totals = median_by_key(seconds_by_kind(run.node_seconds) for run in result.project)
    counts = nodes_by_kind(result.project[0].node_seconds)
    rows = [["dbt start-up and parsing (wall time less dbt's elapsed time)", format_seconds(start_up)]]
    rows += [
        [f"{label} ({counts.get(kind, 0)})", format_seconds(totals.get(kind, 0.0))]
        for kind, label in NODE_KINDS.items()
    ]
    return markdown_table(["part of the build", "median"], rows, "lr")


def _models_table(result: SizeResult) -> str:
    models = median_by_key(
        {name: seconds for name, seconds in run.node_seconds.items() if node_kind(name) == "model"}
        for run in result.project
    )
    slowest = sorted(models.items(), key=lambda item: item[1], reverse=True)[:TOP_MODELS]
    rows = [[node_name(unique_id), format_seconds(seconds)] for unique_id, seconds in slowest]
    return markdown_table(["model", "median"], rows, "lr")


def _phases_section(result: SizeResult) -> str:
    timed = [run.phases for run in result.project if run.phases is not None]
    if not timed:
        return (
            "Segmentation phases: unavailable (the package wrote no timings to SEGMENTATION_TIMINGS_FILE; "
            "its opt-in timing hook is missing from this build)."
        )
    models = ", ".join(dict.fromkeys(model for phases in timed for model in phases.models))
    phases = median_by_key(phases.seconds for phases in timed)
    rows = [[phase, format_seconds(seconds)] for phase, seconds in phases.items()]
    return f"Segmentation phases (median seconds, summed over {models}):\n\n" + markdown_table(
        ["phase", "median"], rows, "lr"
    )


def _shown(path: Path) -> Path:
    """Paths inside the repository relative to it, so the committed report names no one's home directory."""
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


def splice_results(document: str, results: str) -> str:
    """Put the generated results between the markers, keeping the hand-written text around them.

    A document without the markers (a new file, or one whose markers were deleted) gets them appended.
    """
    block = f"{RESULTS_START}\n\n{results}\n\n{RESULTS_END}"
    if RESULTS_START in document and RESULTS_END in document:
        head, _, rest = document.partition(RESULTS_START)
        _, _, tail = rest.partition(RESULTS_END)
        return f"{head}{block}{tail}"
    return f"{document.rstrip()}\n\n{block}\n" if document.strip() else f"{block}\n"

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

from bench.harness import REPO_ROOT, Machine
from bench.results import NODE_KINDS, SizeResult, node_kind, node_name, nodes_by_kind, seconds_by_kind

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
    machine: Machine, results: Sequence[SizeResult], measured_at: dt.datetime, rss_ceiling_bytes: int
) -> str:
    """The generated part of docs/BENCHMARKS.md: the machine, then one section per plan size."""
    versions = ", ".join(f"{package} {version}" for package, version in machine.versions.items())
    header = (
        f"Measured {measured_at:%Y-%m-%d %H:%M} UTC on commit {machine.commit}: {machine.cores} cores "
        f"({machine.cpu_model}), {format_bytes(machine.memory_bytes)} memory, load average {machine.load_average:.1f} "
        f"when the bench started; {versions}. Runs are killed above {format_bytes(rss_ceiling_bytes)} RSS."
    )
    return "\n\n".join(["## Results", header, *(render_size(result) for result in results)])


def render_size(result: SizeResult) -> str:
    return "\n\n".join(
        [
            f"### {result.members:,} members",
            _extracts_line(result),
            _headline_table(result),
            "Where the build's time goes (medians; dbt runs its nodes on 2 threads, so node times can add up to "
            "more than dbt's elapsed time):",
            _time_split_table(result),
            "Slowest models (median execution time):",
            _models_table(result),
            _phases_section(result),
        ]
    )


def _extracts_line(result: SizeResult) -> str:
    extracts = result.extracts
    pairs = len(result.project)
    line = (
        f"{pairs} alternating pair{'s' if pairs > 1 else ''} (dbt build, then baseline) on {extracts.rows:,} "
        f"extract rows in 7 Parquet files ({format_bytes(extracts.bytes)}) in `{_shown(extracts.path)}`"
    )
    if extracts.generation is None:
        return f"{line}."
    generation = extracts.generation
    return (
        f"{line}, generated in {format_seconds(generation.wall_seconds)} with a peak RSS of "
        f"{format_bytes(generation.peak_rss_bytes)}."
    )


def _headline_table(result: SizeResult) -> str:
    def row(label: str, project: list[float], baseline: list[float], unit: Callable[[float], str]) -> list[str]:
        """A measure's project and baseline cells, and their ratio; n/a where the baseline has no runs."""
        if not baseline:
            return [label, format_spread(Spread.of(project), unit), "n/a", "n/a"]
        project_spread, baseline_spread = Spread.of(project), Spread.of(baseline)
        return [
            label,
            format_spread(project_spread, unit),
            format_spread(baseline_spread, unit),
            f"{ratio(project_spread, baseline_spread):.2f}",
        ]

    def recovery_row(label: str, project: list[float], baseline: list[float]) -> list[str]:
        return [*row(label, project, baseline, "{:.3f}".format)[:3], ""]

    names = Spread.of([run.recovery.names_correct for run in result.project])
    rows = [
        row(
            "wall time, median (min-max)",
            [run.measurement.wall_seconds for run in result.project],
            [run.measurement.wall_seconds for run in result.baseline],
            format_seconds,
        ),
        row(
            "peak RSS, median (min-max)",
            [run.measurement.peak_rss_bytes for run in result.project],
            [run.measurement.peak_rss_bytes for run in result.baseline],
            format_bytes,
        ),
        recovery_row(
            "persona recovery: adjusted Rand index",
            [run.recovery.adjusted_rand_index for run in result.project],
            [run.recovery.adjusted_rand_index for run in result.baseline],
        ),
        ["persona recovery: correct persona names", format_spread(names, format_share), "n/a (unnamed clusters)", ""],
    ]
    table = markdown_table(["", "project: dbt build", "baseline: plain pandas", "project / baseline"], rows, "lrrr")
    if result.baseline_killed is None:
        return table
    killed = result.baseline_killed
    return (
        f"{table}\n\nThe baseline passed the memory ceiling and was killed after "
        f"{format_seconds(killed.wall_seconds)} at {format_bytes(killed.peak_rss_bytes)}; it was not tried again at "
        f"this size, and the baseline column holds only the runs that finished."
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

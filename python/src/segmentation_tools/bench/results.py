"""What one run produced: dbt's node timings, the segmentation phases, and how well it recovered the personas.

The parsing is pure (text or dicts in, values out) so it is tested without a build; only the two recovery
readers open files.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from segmentation_tools.bench.harness import Extracts, Measurement
from segmentation_tools.demo_data.truth import TRUTH_PATH

# The last part of a versioned model's unique_id.
VERSION = re.compile(r"v\d+")
# dbt's resource types (the first part of a unique_id) and how the report names them, in report order.
NODE_KINDS = {"seed": "seeds", "model": "models", "test": "data tests", "unit_test": "unit tests"}
PROJECT_RECOVERY_SQL = """
    select truth.planted_persona as planted, outreach.persona as found, count(*) as members
    from member_outreach as outreach
    join read_parquet($truth) as truth using (member_id)
    group by all
"""
BASELINE_RECOVERY_SQL = """
    select truth.planted_persona as planted, cast(clusters.cluster as varchar) as found, count(*) as members
    from read_parquet($clusters) as clusters
    join read_parquet($truth) as truth using (member_id)
    group by all
"""


@dataclass(frozen=True)
class Recovery:
    """How well a run found the planted personas."""

    adjusted_rand_index: float
    names_correct: float | None  # share of members given their planted persona's name; None for unnamed clusters


@dataclass(frozen=True)
class PhaseTimings:
    """Seconds per phase inside the segmentation Python models, summed over the models that reported them."""

    seconds: dict[str, float]
    models: tuple[str, ...]


@dataclass(frozen=True)
class ProjectRun:
    measurement: Measurement
    dbt_elapsed_seconds: float  # dbt's own elapsed time: the wall time less start-up and parsing
    node_seconds: dict[str, float]  # execution seconds per dbt node (unique_id)
    phases: PhaseTimings | None  # None when the package wrote no timings
    recovery: Recovery


@dataclass(frozen=True)
class ScriptRun:
    """A run of a plain script that writes member_id and an unnamed cluster: the pandas baseline or the floor."""

    measurement: Measurement
    recovery: Recovery


def node_seconds(run_results: dict) -> dict[str, float]:
    """Execution seconds per node as dbt timed them (run_results.json), keyed by unique_id."""
    return {result["unique_id"]: result["execution_time"] for result in run_results["results"]}


def node_kind(unique_id: str) -> str:
    return unique_id.split(".", 1)[0]


def node_name(unique_id: str) -> str:
    """The name a reader knows the node by: the model, seed or test name of its unique_id, with the version of a
    versioned model (model.project.member_outreach.v1 is member_outreach.v1)."""
    parts = unique_id.split(".")
    versioned = parts[0] == "model" and len(parts) == 4 and VERSION.fullmatch(parts[-1])
    return ".".join(parts[-2:]) if versioned else parts[-1]


def seconds_by_kind(node_seconds: dict[str, float]) -> dict[str, float]:
    """Total execution seconds per resource type (seed, model, test, unit_test)."""
    totals: defaultdict[str, float] = defaultdict(float)
    for unique_id, seconds in node_seconds.items():
        totals[node_kind(unique_id)] += seconds
    return dict(totals)


def nodes_by_kind(node_seconds: dict[str, float]) -> dict[str, int]:
    return dict(Counter(map(node_kind, node_seconds)))


def phase_timings(lines: str) -> PhaseTimings:
    """Sum the hook's JSON lines ({"model", "phase", "seconds"}) per phase, phases in the order first reported.

    A phase may be reported several times (by several models, or once per chunk); the report wants its total.
    """
    seconds: dict[str, float] = {}
    models: dict[str, None] = {}
    for line in filter(None, map(str.strip, lines.splitlines())):
        record = json.loads(line)
        seconds[record["phase"]] = seconds.get(record["phase"], 0.0) + float(record["seconds"])
        models[record["model"]] = None
    return PhaseTimings(seconds=seconds, models=tuple(models))


def read_phase_timings(path: Path) -> PhaseTimings | None:
    """The run's phase timings, or None when the file is absent (a package without the timing hook)."""
    return phase_timings(path.read_text()) if path.exists() else None


def adjusted_rand_index(contingency: np.ndarray) -> float:
    """Hubert and Arabie's adjusted Rand index from a planted x found table of member counts.

    Equal to sklearn's adjusted_rand_score on the labels, but needs only the small table, which the warehouse
    computes, instead of millions of labels in the bench's process.
    """
    together = _pairs(contingency).sum()
    planted, found = _pairs(contingency.sum(axis=1)).sum(), _pairs(contingency.sum(axis=0)).sum()
    expected = planted * found / _pairs(contingency.sum())
    maximum = (planted + found) / 2
    return 1.0 if maximum == expected else float((together - expected) / (maximum - expected))


def _pairs(counts: np.ndarray) -> np.ndarray:
    """Unordered pairs among n members, n choose 2, elementwise (in floats: exact far beyond 5,000,000 members)."""
    return counts * (counts - 1) / 2


def recovery(counts: pd.DataFrame, *, named: bool) -> Recovery:
    """Recovery from counts of members per (planted, found) pair; names are compared only for named clusters."""
    contingency = counts.pivot(index="planted", columns="found", values="members").fillna(0).to_numpy()
    correct = counts.loc[counts["planted"] == counts["found"], "members"].sum() / counts["members"].sum()
    return Recovery(
        adjusted_rand_index=adjusted_rand_index(contingency), names_correct=float(correct) if named else None
    )


def project_recovery(warehouse: Path, raw: Path) -> Recovery:
    """member_outreach's personas against the planted ones, read the way consumers read the warehouse."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        counts = connection.execute(PROJECT_RECOVERY_SQL, {"truth": str(raw / TRUTH_PATH)}).df()
    return recovery(counts, named=True)


def script_recovery(clusters: Path, raw: Path) -> Recovery:
    """A script's cluster numbers against the planted personas (ARI only: its clusters have no names)."""
    with duckdb.connect() as connection:
        counts = connection.execute(
            BASELINE_RECOVERY_SQL, {"clusters": str(clusters), "truth": str(raw / TRUTH_PATH)}
        ).df()
    return recovery(counts, named=False)


@dataclass(frozen=True)
class SizeResult:
    """Every run at one plan size, in the order they ran (production build, baseline and floor alternating)."""

    members: int
    rounds: int
    extracts: Extracts
    project: tuple[ProjectRun, ...]  # the runs that finished
    baseline: tuple[ScriptRun, ...]
    floor: tuple[ScriptRun, ...] = ()
    # Per contender ("project", "baseline", "floor") killed at the memory ceiling: how far its run got.
    killed: dict[str, Measurement] = field(default_factory=dict)

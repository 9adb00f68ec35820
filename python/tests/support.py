"""Test support shared by the unit and end-to-end tests: constants, planted data and dbt builds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from segmentation_tools.bench.harness import dbt_command, dbt_environment, run_results_path, warehouse_path

# How a line reaches the terminal while pytest captures output: conftest.py points it at pytest's terminal.
_announcer: list = [lambda line: print(line, file=sys.stderr, flush=True)]
_builds_started = [0]


def set_announcer(write_line) -> None:
    _announcer[0] = write_line


def announce_dbt(args: list[str], dbt_vars: dict | None) -> None:
    """Say which dbt command a test is starting (end-to-end builds take tens of seconds each): its number in the
    session, the command, the extracts and as-of date, and the test that asked for it."""
    _builds_started[0] += 1
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0] or "outside a test"
    extracts = (dbt_vars or {}).get("raw_data_path")
    where = f" on {Path(extracts).name}" if extracts else ""
    as_of = f" as of {dbt_vars['as_of_date']}" if dbt_vars and "as_of_date" in dbt_vars else ""
    _announcer[0](f"[dbt {_builds_started[0]}] dbt {' '.join(args)}{where}{as_of} for {test}")


REPO_ROOT = Path(__file__).resolve().parents[2]
# The generated plan the end-to-end tests build once per session (fixtures extracts and build in conftest.py).
AS_OF = date(2025, 12, 31)
MEMBERS = 20_000
# The tiny plan the fault suite corrupts copies of (fixtures small_extracts and small_build).
SMALL_PLAN_MEMBERS = 300  # enough for four segments, small enough to build in seconds
FEATURES = ("age", "premium", "deductible", "claims", "portal_logins", "email_opens", "call_center")
COUNT_FEATURES = frozenset({"claims", "portal_logins", "email_opens", "call_center"})
# What a member's assignment reads from a run's segment_centroid_history rows.
MODEL_COLUMNS = [
    "segment_id",
    "feature",
    "feature_transform",
    "transform_lambda",
    "clip_lower",
    "clip_upper",
    "scaler_center",
    "scaler_scale",
    "centroid_scaled",
]


def planted_features(n_per_persona: int, seed: int = 7) -> pd.DataFrame:
    """A member_features-shaped table with four well-separated planted personas (column planted_persona)."""
    rng = np.random.default_rng(seed)
    means = {
        "Digital Learners": (29, 160, 6800, 1, 2, 3, 0.5),
        "Care Management Members": (58, 40, 800, 16, 17, 18, 5),
        "Highly Engaged Users": (44, 70, 2500, 7, 14, 15, 1.5),
        "Cost Sensitive Members": (36, 15, 600, 4, 5, 5, 5),
    }
    frames = []
    for persona, (age, premium, deductible, *rates) in means.items():
        frame = pd.DataFrame(
            {
                "age": rng.normal(age, 4, n_per_persona).round().clip(18, 64),
                "premium": rng.normal(premium, premium * 0.15, n_per_persona).clip(0).round(2),
                "deductible": rng.normal(deductible, 250, n_per_persona).clip(0).round(),
                **{name: rng.poisson(rate, n_per_persona) for name, rate in zip(FEATURES[3:], rates, strict=True)},
            }
        )
        frame["planted_persona"] = persona
        frames.append(frame)
    members = pd.concat(frames, ignore_index=True)
    members.insert(0, "member_id", [f"M{i:06d}" for i in range(len(members))])
    members.insert(1, "as_of_date", pd.Timestamp("2025-12-31"))
    return members


def project_copy(destination: Path) -> Path:
    """A copy of the dbt project to build a variant of it (e.g. with an edited seed); the segment models still
    import the member_segmentation package of the repository."""
    for folder in ("models", "macros", "seeds", "tests"):
        if (REPO_ROOT / folder).exists():
            shutil.copytree(REPO_ROOT / folder, destination / folder)
    shutil.copy2(REPO_ROOT / "dbt_project.yml", destination / "dbt_project.yml")
    return destination


def run_dbt(
    workdir: Path,
    args: list[str],
    dbt_vars: dict | None = None,
    env: dict | None = None,
    project_dir: Path = REPO_ROOT,
) -> None:
    """Run ``dbt <args>`` of project_dir with warehouse, target and logs inside workdir (env may override them);
    dbt's console output is kept in workdir/dbt_output.txt (see dbt_output).

    Raises with dbt's own output when the command fails, so a red test shows why.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    announce_dbt(args, dbt_vars)
    completed = subprocess.run(
        dbt_command(args, dbt_vars),
        cwd=project_dir,
        env=dbt_environment(workdir, env),
        capture_output=True,
        text=True,
        check=False,
    )
    (workdir / "dbt_output.txt").write_text(completed.stdout, encoding="utf-8")
    if completed.returncode != 0:
        raise AssertionError(
            f"dbt {args[0]} failed ({completed.returncode}):\n{completed.stdout[-6000:]}{completed.stderr}"
        )


def dbt_build(
    workdir: Path,
    raw_data_path: Path,
    dbt_vars: dict | None = None,
    env: dict | None = None,
    project_dir: Path = REPO_ROOT,
) -> dict:
    """Run ``dbt build`` of project_dir on extracts in raw_data_path; returns run_results.json."""
    run_dbt(workdir, ["build"], {"raw_data_path": str(raw_data_path), **(dbt_vars or {})}, env, project_dir)
    return json.loads(run_results_path(workdir).read_text())


def dbt_output(workdir: Path) -> str:
    """What dbt printed to the console during the last command in workdir (with its colour codes)."""
    return (workdir / "dbt_output.txt").read_text(encoding="utf-8")


@dataclass(frozen=True)
class BuildResult:
    """What a `make`-style build printed and returned; run_results.json when dbt got as far as writing it."""

    returncode: int
    output: str
    run_results: dict | None


def build_command(
    workdir: Path,
    raw_data_path: Path,
    dbt_vars: dict | None = None,
    env: dict | None = None,
    dbt_arguments: tuple[str, ...] = (),
) -> tuple[list[str], dict[str, str]]:
    """The command and environment of a dbt build as `make dbt-build` runs it (through build_runner), with
    warehouse, target and logs inside workdir."""
    workdir.mkdir(parents=True, exist_ok=True)
    all_vars = {"raw_data_path": str(raw_data_path), **(dbt_vars or {})}
    command = [sys.executable, "-m", "segmentation_tools.build_runner", "--vars", json.dumps(all_vars), *dbt_arguments]
    return command, dbt_environment(workdir, env)


def run_build(
    workdir: Path,
    raw_data_path: Path,
    dbt_vars: dict | None = None,
    env: dict | None = None,
    dbt_arguments: tuple[str, ...] = (),
) -> BuildResult:
    """Run a build to the end, failed or not, and return what it printed."""
    command, build_env = build_command(workdir, raw_data_path, dbt_vars, env, dbt_arguments)
    announce_dbt(["build", *dbt_arguments], {"raw_data_path": str(raw_data_path), **(dbt_vars or {})})
    started = time.time()
    completed = subprocess.run(command, cwd=REPO_ROOT, env=build_env, capture_output=True, text=True, check=False)
    results = run_results_path(workdir)
    fresh = results.exists() and results.stat().st_mtime >= started
    return BuildResult(
        completed.returncode,
        completed.stdout + completed.stderr,
        json.loads(results.read_text()) if fresh else None,
    )


def query(workdir: Path, sql: str) -> pd.DataFrame:
    """Read the built warehouse the way consumers do: a read-only connection after the build."""
    with duckdb.connect(str(warehouse_path(workdir)), read_only=True) as connection:
        return connection.sql(sql).df()


def failed_nodes(run_results: dict) -> dict[str, str]:
    """unique_id -> status of every model, seed and test that did not simply succeed or pass (warnings too);
    exposures, which dbt build lists as no-op, are not nodes that can fail."""
    return {
        result["unique_id"]: result["status"]
        for result in run_results["results"]
        if result["status"] not in {"success", "pass"} and not result["unique_id"].startswith("exposure.")
    }

"""Test support shared by the unit and end-to-end tests: constants, planted data and dbt builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2025, 12, 31)
SMALL_PLAN_MEMBERS = 300  # enough for four segments, small enough to build in seconds
FEATURES = ("age", "premium", "deductible", "claims", "portal_logins", "email_opens", "call_center")
COUNT_FEATURES = frozenset({"claims", "portal_logins", "email_opens", "call_center"})


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
    build_env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        **(env or {}),
    }
    all_vars = {"raw_data_path": str(raw_data_path), **(dbt_vars or {})}
    command = [sys.executable, "-m", "build_runner", "--vars", json.dumps(all_vars), *dbt_arguments]
    return command, build_env


def run_build(
    workdir: Path,
    raw_data_path: Path,
    dbt_vars: dict | None = None,
    env: dict | None = None,
    dbt_arguments: tuple[str, ...] = (),
) -> BuildResult:
    """Run a build to the end, failed or not, and return what it printed."""
    command, build_env = build_command(workdir, raw_data_path, dbt_vars, env, dbt_arguments)
    started = time.time()
    completed = subprocess.run(command, cwd=REPO_ROOT, env=build_env, capture_output=True, text=True, check=False)
    run_results_path = workdir / "target" / "run_results.json"
    fresh = run_results_path.exists() and run_results_path.stat().st_mtime >= started
    return BuildResult(
        completed.returncode,
        completed.stdout + completed.stderr,
        json.loads(run_results_path.read_text()) if fresh else None,
    )


def dbt_build(workdir: Path, raw_data_path: Path, dbt_vars: dict | None = None, env: dict | None = None) -> dict:
    """Run ``dbt build`` on extracts in raw_data_path with warehouse, target and logs inside workdir.

    Returns run_results.json; raises with dbt's own output when the build fails, so a red test shows why.
    """
    result = run_build(workdir, raw_data_path, dbt_vars, env)
    if result.returncode != 0 or result.run_results is None:
        raise AssertionError(f"dbt build failed ({result.returncode}):\n{result.output[-6000:]}")
    return result.run_results


def query(workdir: Path, sql: str) -> pd.DataFrame:
    """Read the built warehouse the way consumers do: a read-only connection after the build."""
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as connection:
        return connection.sql(sql).df()

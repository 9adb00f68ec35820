"""Test support shared by the unit and end-to-end tests: constants and planted data."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bench.harness import dbt_build_command, run_results_path, warehouse_path

REPO_ROOT = Path(__file__).resolve().parents[1]
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


def dbt_build(workdir: Path, raw_data_path: Path, dbt_vars: dict | None = None, env: dict | None = None) -> dict:
    """Run ``dbt build`` on extracts in raw_data_path with warehouse, target and logs inside workdir.

    Returns run_results.json; raises with dbt's own output when the build fails, so a red test shows why.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    command, build_env = dbt_build_command(workdir, raw_data_path, dbt_vars, env)
    completed = subprocess.run(command, cwd=REPO_ROOT, env=build_env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise AssertionError(
            f"dbt build failed ({completed.returncode}):\n{completed.stdout[-6000:]}{completed.stderr}"
        )
    return json.loads(run_results_path(workdir).read_text())


def query(workdir: Path, sql: str) -> pd.DataFrame:
    """Read the built warehouse the way consumers do: a read-only connection after the build."""
    with duckdb.connect(str(warehouse_path(workdir)), read_only=True) as connection:
        return connection.sql(sql).df()

"""What a reviewer needs to reproduce and audit a segmentation run."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

import numpy as np

# The libraries whose versions can change a fitted segmentation.
AUDITED_PACKAGES: tuple[str, ...] = ("scikit-learn", "numpy", "scipy", "pandas", "duckdb", "dbt-core", "dbt-duckdb")


def library_versions() -> dict[str, str]:
    """Installed version of each audited package (and Python), keyed by a column-friendly name."""
    versions = {"python": platform.python_version()}
    for package in AUDITED_PACKAGES:
        try:
            versions[package.replace("-", "_")] = version(package)
        except PackageNotFoundError:
            versions[package.replace("-", "_")] = "not installed"
    return versions


def inertia(distances: np.ndarray) -> float:
    """k-means' own objective: the sum of squared distances of members to their segment centroid."""
    return float(np.square(distances).sum())

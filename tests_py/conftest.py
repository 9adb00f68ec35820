"""Shared fixtures: the seeds as the dbt project ships them, default settings, and one small clean build."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from demo_data.generate import generate_extracts
from member_segmentation.settings import SegmentationSettings
from tests_py.support import AS_OF, COUNT_FEATURES, FEATURES, REPO_ROOT, SMALL_PLAN_MEMBERS, BuildResult, run_build


@pytest.fixture(scope="session")
def personas() -> pd.DataFrame:
    return pd.read_csv(REPO_ROOT / "seeds" / "personas.csv")


@pytest.fixture(scope="session")
def persona_profiles() -> pd.DataFrame:
    return pd.read_csv(REPO_ROOT / "seeds" / "persona_profiles.csv")


@pytest.fixture
def default_settings() -> SegmentationSettings:
    return SegmentationSettings(
        features=FEATURES, log1p_features=COUNT_FEATURES, n_segments=4, random_state=42, n_init=10
    )


@pytest.fixture(scope="session")
def small_extracts(tmp_path_factory) -> Path:
    """A small generated plan, written once per session; tests that corrupt it work on copies."""
    raw = tmp_path_factory.mktemp("small_extracts")
    generate_extracts(SMALL_PLAN_MEMBERS, raw, AS_OF, seed=42, file_format="parquet")
    return raw


@pytest.fixture(scope="session")
def small_build(small_extracts, tmp_path_factory) -> tuple[Path, BuildResult]:
    """The small plan built once, cleanly: its warehouse is the "previous run" of the fault tests."""
    workdir = tmp_path_factory.mktemp("small_build")
    result = run_build(workdir, small_extracts)
    assert result.returncode == 0, result.output[-6000:]
    return workdir, result

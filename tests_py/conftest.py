"""Shared fixtures: the seeds as the dbt project ships them, default settings, and one dbt build of generated
extracts that several test modules read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from demo_data.generate import generate_extracts
from member_segmentation.settings import SegmentationSettings
from tests_py.support import AS_OF, COUNT_FEATURES, FEATURES, MEMBERS, REPO_ROOT, dbt_build


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
def extracts(tmp_path_factory) -> Path:
    """Generated Parquet extracts of a MEMBERS-member plan with planted personas (the truth beside them)."""
    raw = tmp_path_factory.mktemp("raw_parquet")
    generate_extracts(MEMBERS, raw, AS_OF, seed=42, file_format="parquet")
    return raw


@pytest.fixture(scope="session")
def build(extracts, tmp_path_factory) -> tuple[Path, dict]:
    """One dbt build of those extracts, shared by every test that reads a warehouse: (workdir, run_results)."""
    workdir = tmp_path_factory.mktemp("build")
    return workdir, dbt_build(workdir, extracts)

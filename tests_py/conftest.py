"""Shared fixtures: the seeds as the dbt project ships them, default settings, and generated extracts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from demo_data.generate import generate_extracts
from member_segmentation.personas import rows_for_question
from member_segmentation.settings import SegmentationSettings
from tests_py.support import AS_OF, COUNT_FEATURES, FEATURES, MEMBERS, REPO_ROOT, dbt_build


@pytest.fixture(scope="session")
def extracts(tmp_path_factory) -> Path:
    """Seeded demo extracts (Parquet) of MEMBERS members, shared by the end-to-end builds."""
    raw = tmp_path_factory.mktemp("raw_parquet")
    generate_extracts(MEMBERS, raw, AS_OF, seed=42, file_format="parquet")
    return raw


@pytest.fixture(scope="session")
def build(extracts, tmp_path_factory) -> tuple[Path, dict]:
    """The default project built on the shared extracts: (workdir, run_results)."""
    workdir = tmp_path_factory.mktemp("build")
    return workdir, dbt_build(workdir, extracts)


@pytest.fixture(scope="session")
def personas() -> pd.DataFrame:
    return pd.read_csv(REPO_ROOT / "seeds" / "personas.csv")


@pytest.fixture(scope="session")
def persona_profiles() -> pd.DataFrame:
    return pd.read_csv(REPO_ROOT / "seeds" / "persona_profiles.csv")


@pytest.fixture(scope="session")
def engagement_personas(personas) -> pd.DataFrame:
    """The default question's personas, without the question column."""
    return rows_for_question(personas, "personas", "consumer_engagement")


@pytest.fixture(scope="session")
def engagement_profiles(persona_profiles) -> pd.DataFrame:
    return rows_for_question(persona_profiles, "persona_profiles", "consumer_engagement")


@pytest.fixture
def default_settings() -> SegmentationSettings:
    return SegmentationSettings(
        question="consumer_engagement",
        features=FEATURES,
        log1p_features=COUNT_FEATURES,
        n_segments=4,
        random_state=42,
        n_init=10,
    )

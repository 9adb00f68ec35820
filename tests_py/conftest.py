"""Shared fixtures: the seeds as the dbt project ships them, and default settings."""

from __future__ import annotations

import pandas as pd
import pytest

from member_segmentation.settings import SegmentationSettings
from tests_py.support import COUNT_FEATURES, FEATURES, REPO_ROOT


@pytest.fixture(scope="session")
def personas() -> pd.DataFrame:
    return pd.read_csv(REPO_ROOT / "seeds" / "personas.csv")


@pytest.fixture(scope="session")
def persona_profiles() -> pd.DataFrame:
    return pd.read_csv(REPO_ROOT / "seeds" / "persona_profiles.csv")


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

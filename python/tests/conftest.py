"""Shared fixtures: the seeds as the dbt project ships them, default settings, and the dbt runs several test
modules read (one build of generated extracts, one parse of the project), and the fault suite's small clean build."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from member_segmentation.personas import rows_for_question
from member_segmentation.settings import SegmentationSettings
from segmentation_tools.demo_data.generate import generate_extracts

from tests.support import (
    AS_OF,
    FEATURES,
    MEMBERS,
    REPO_ROOT,
    SMALL_PLAN_MEMBERS,
    BuildResult,
    dbt_build,
    run_build,
    run_dbt,
    set_announcer,
)


def pytest_configure(config) -> None:
    """Each dbt command a test starts is announced on the terminal as it starts, even under -q and output
    capture, so a long end-to-end run shows which build it is on."""

    def write_line(line: str) -> None:
        capture = config.pluginmanager.getplugin("capturemanager")
        terminal = config.pluginmanager.getplugin("terminalreporter")
        if capture is None or terminal is None:
            print(line, flush=True)
            return
        with capture.global_and_fixture_disabled():
            terminal.write_line("")
            terminal.write_line(line)

    set_announcer(write_line)


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
        log1p_features=frozenset(),
        n_segments=4,
        random_state=42,
        n_init=10,
    )


@pytest.fixture(scope="session")
def extracts(tmp_path_factory) -> Path:
    """Generated Parquet extracts of a MEMBERS-member plan with planted personas (the truth beside them)."""
    raw = tmp_path_factory.mktemp("raw_parquet")
    generate_extracts(MEMBERS, raw, AS_OF, seed=42, file_format="parquet")
    return raw


@pytest.fixture(scope="session")
def small_extracts(tmp_path_factory) -> Path:
    """A small generated plan, written once per session; tests that corrupt it work on copies."""
    raw = tmp_path_factory.mktemp("small_extracts")
    generate_extracts(SMALL_PLAN_MEMBERS, raw, AS_OF, seed=42, file_format="parquet")
    return raw


@pytest.fixture(scope="session")
def build(extracts, tmp_path_factory) -> tuple[Path, dict]:
    """One dbt build of those extracts, shared by every test that reads a warehouse: (workdir, run_results)."""
    workdir = tmp_path_factory.mktemp("build")
    return workdir, dbt_build(workdir, extracts)


@pytest.fixture(scope="session")
def manifest(tmp_path_factory) -> dict:
    """The whole project's manifest.json, from ``dbt parse`` (needs no data)."""
    workdir = tmp_path_factory.mktemp("parse")
    run_dbt(workdir, ["parse"])
    return json.loads((workdir / "target" / "manifest.json").read_text())


@pytest.fixture(scope="session")
def small_build(small_extracts, tmp_path_factory) -> tuple[Path, BuildResult]:
    """The small plan built once, cleanly: its warehouse is the "previous run" of the fault tests."""
    workdir = tmp_path_factory.mktemp("small_build")
    result = run_build(workdir, small_extracts)
    assert result.returncode == 0, result.output[-6000:]
    return workdir, result

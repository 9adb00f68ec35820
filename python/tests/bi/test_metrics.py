"""The semantic layer (bi extra): MetricFlow's `mf` command, run as docs/BI.md shows it on a built warehouse,
returns what the marts hold: members by persona as segment_profiles counts them, who gets which action on which
channel, the review queue and the fairness flags; and `mf validate-configs` runs every metric on the warehouse."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from segmentation_tools.bench.harness import dbt_environment

from tests.support import AS_OF, project_copy, query, run_dbt

pytestmark = pytest.mark.end_to_end

MF = str(Path(sys.executable).with_name("mf"))


def project_for_mf(workdir: Path, destination: Path) -> Path:
    """The dbt project with the build's semantic manifest where `mf` reads it (<project>/target/)."""
    project = project_copy(destination)
    (project / "target").mkdir()
    shutil.copy2(workdir / "target" / "semantic_manifest.json", project / "target" / "semantic_manifest.json")
    return project


@pytest.fixture(scope="module")
def mf_project(build, tmp_path_factory) -> Path:
    return project_for_mf(build[0], tmp_path_factory.mktemp("mf_project"))


@pytest.fixture(scope="module")
def review_build(small_extracts, tmp_path_factory) -> tuple[Path, dict]:
    """The small plan built with persona_match_max_distance 0.001 (the var must be above 0): every segment's
    persona waits for review (the unit tests, written for the default var, are left out)."""
    workdir = tmp_path_factory.mktemp("review_build")
    dbt_vars = {"raw_data_path": str(small_extracts), "persona_match_max_distance": 0.001}
    run_dbt(workdir, ["build", "--exclude", "test_type:unit"], dbt_vars)
    return workdir, {}


def mf(build, project: Path, *args: str) -> subprocess.CompletedProcess:
    workdir, _ = build
    completed = subprocess.run(
        [MF, *args], cwd=project, env=dbt_environment(workdir), capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return completed


def mf_query(build, project: Path, tmp_path: Path, metrics: list[str], group_by: list[str]) -> pd.DataFrame:
    out = tmp_path / f"{'_'.join(metrics)}.csv"
    mf(build, project, "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(out))
    return pd.read_csv(out, keep_default_na=False, na_values=[""])


def by(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, ignore_index=True)


def test_members_by_persona_equal_segment_profiles(build, mf_project, tmp_path):
    workdir, _ = build
    result = mf_query(build, mf_project, tmp_path, ["members"], ["metric_time", "member_outreach__persona"])
    profiles = query(
        workdir,
        "select as_of_date, persona, sum(member_count) as members from segment_profiles group by all",
    )

    assert len(profiles) >= 2
    assert set(pd.to_datetime(result["metric_time__day"]).dt.date) == {AS_OF}
    assert by(result, ["member_outreach__persona"])["member_outreach__persona"].tolist() == sorted(profiles["persona"])
    expected = profiles.set_index("persona")["members"].astype(int)
    got = result.set_index("member_outreach__persona")["members"].astype(int)
    assert got.sort_index().equals(expected.sort_index())


def test_member_share_by_persona_equals_segment_profiles_and_sums_to_one(build, mf_project, tmp_path):
    workdir, _ = build
    result = mf_query(build, mf_project, tmp_path, ["member_share", "segments"], ["segment_profile__persona"])
    profiles = query(
        workdir,
        "select persona, sum(member_share) as member_share, count(*) as segments from segment_profiles group by all",
    ).set_index("persona")

    got = result.set_index("segment_profile__persona").sort_index()
    assert got["member_share"].to_numpy() == pytest.approx(profiles.sort_index()["member_share"].to_numpy())
    assert got["segments"].astype(int).tolist() == profiles.sort_index()["segments"].astype(int).tolist()
    assert got["member_share"].sum() == pytest.approx(1.0)


def test_action_and_channel_counts_and_the_review_queue_equal_member_outreach(build, mf_project, tmp_path):
    workdir, _ = build
    keys = ["member_outreach__recommended_action", "member_outreach__outreach_channel"]
    result = mf_query(build, mf_project, tmp_path, ["members", "members_waiting_for_review"], keys)
    outreach = query(
        workdir,
        """
        select recommended_action as member_outreach__recommended_action,
            outreach_channel as member_outreach__outreach_channel,
            count(*) as members,
            count(*) filter (where persona = 'Needs review') as members_waiting_for_review
        from member_outreach
        group by all
        """,
    )

    got, expected = by(result, keys), by(outreach, keys)
    assert got[keys].fillna("<none>").to_numpy().tolist() == expected[keys].fillna("<none>").to_numpy().tolist()
    for metric in ("members", "members_waiting_for_review"):
        assert got[metric].astype(int).tolist() == expected[metric].astype(int).tolist(), metric
    # Members wait for review exactly when they get no action (member_outreach's own rule), so the queue is the
    # row without an action and channel.
    waiting = got[got["members_waiting_for_review"] > 0]
    assert waiting[keys].isna().all().all()


def test_the_review_queue_counts_the_members_and_segments_waiting(review_build, tmp_path):
    project = project_for_mf(review_build[0], tmp_path / "project")
    members = mf_query(review_build, project, tmp_path, ["members", "members_waiting_for_review"], ["metric_time"])
    segments = mf_query(review_build, project, tmp_path, ["segments", "segments_waiting_for_review"], ["metric_time"])
    built = query(
        review_build[0], "select count(*) as members, count(distinct segment_id) as segments from member_outreach"
    )

    assert int(members["members_waiting_for_review"].iloc[0]) == int(members["members"].iloc[0]) == built["members"][0]
    assert (
        int(segments["segments_waiting_for_review"].iloc[0])
        == int(segments["segments"].iloc[0])
        == built["segments"][0]
    )


def test_segments_waiting_for_review_and_fairness_flags_equal_the_marts(build, mf_project, tmp_path):
    workdir, _ = build
    segments = mf_query(build, mf_project, tmp_path, ["segments_waiting_for_review"], ["metric_time"])
    fairness = mf_query(
        build,
        mf_project,
        tmp_path,
        ["fairness_cells_flagged"],
        ["fairness_cell__attribute", "fairness_cell__by_design"],
    )
    marts = query(
        workdir,
        """
        select
            (select count(*) from segment_profiles where persona = 'Needs review') as segments_waiting_for_review,
            (select count(*) from segment_fairness where flagged) as fairness_cells_flagged
        """,
    ).iloc[0]
    per_attribute = query(
        workdir,
        """
        select attribute, by_design, count(*) filter (where flagged) as fairness_cells_flagged
        from segment_fairness group by all
        """,
    )

    assert int(segments["segments_waiting_for_review"].sum()) == marts["segments_waiting_for_review"]
    assert int(fairness["fairness_cells_flagged"].sum()) == marts["fairness_cells_flagged"]
    assert sorted(fairness["fairness_cell__attribute"].unique()) == sorted(per_attribute["attribute"].unique())
    got = fairness.set_index(["fairness_cell__attribute", "fairness_cell__by_design"])["fairness_cells_flagged"]
    expected = per_attribute.set_index(["attribute", "by_design"])["fairness_cells_flagged"]
    assert dict(zip(got.index.map(str), got.astype(int), strict=True)) == dict(
        zip(expected.index.map(str), expected.astype(int), strict=True)
    )


def test_every_metric_is_valid_and_runs_on_the_warehouse(build, mf_project):
    completed = mf(build, mf_project, "validate-configs")
    # One summary per step: the semantics, then semantic models, dimensions, entities, measures and metrics
    # queried on the warehouse.
    summaries = re.findall(
        r"Successfully validated (.+?) \(ERRORS: (\d+), FUTURE_ERRORS: (\d+), WARNINGS: (\d+)\)", completed.stdout
    )

    assert [step for step, *_ in summaries][-1] == "metrics against data warehouse"
    assert len(summaries) == 6
    assert {counts for _, *counts in summaries for counts in [tuple(counts)]} == {("0", "0", "0")}

"""Three monthly refreshes of one generated plan, built in order into one warehouse: the history keeps every
as-of date once, a re-built date changes nothing else, migrations account for every member, refit and score keep
members in place, and the drift warnings fire on a shifted population but not on a stable one.

The plan is generated with demo_data's snapshots: 5% of members truly change behaviour each month (the truth is
beside the extracts), members enrol, leave and age, and a second generation shifts 40% of members' activity in
the last snapshot.
"""

from __future__ import annotations

import shutil
from datetime import date
from itertools import pairwise
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from segmentation_tools.bench.harness import warehouse_path
from segmentation_tools.bench.plain_pandas_baseline import member_features
from segmentation_tools.demo_data.generate import generate_snapshots

from tests.support import FEATURES, MODEL_COLUMNS, REPO_ROOT, dbt_build, dbt_output, failed_nodes, query

pytestmark = pytest.mark.end_to_end

MEMBERS = 10_000
DATES = [date(2025, 10, 31), date(2025, 11, 30), date(2025, 12, 31)]
HISTORY_TABLES = {
    "member_segment_history": "as_of_date, member_id",
    "segment_centroid_history": "as_of_date, segment_id, feature_position",
    "segment_migrations": "as_of_date, migration, from_segment_id, to_segment_id",
    "segment_drift": "as_of_date, segment_id",
    "segmentation_run_history": "as_of_date",
}
# The recipe of versions before the fitted transform: log1p on the counts, no clipping (every question of the
# project stays defined: the persona seeds' tests ask for them).
EARLIER_VERSION_QUESTIONS = {
    **yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]["segmentation_questions"],
    "consumer_engagement": {
        "features": list(FEATURES),
        "transform": "log1p",
        "log1p_features": ["claims", "portal_logins", "email_opens", "call_center"],
        "clip_quantile": None,
        "n_segments": 4,
    },
}
# The columns those versions' history tables did not have.
NEWER_HISTORY_COLUMNS = {
    "segment_centroid_history": ["feature_transform", "transform_lambda", "clip_lower", "clip_upper"],
    "segmentation_run_history": ["transform", "transform_lambdas", "clip_quantile"],
}
DRIFT_WARNINGS = (
    "refresh_moves_few_members_to_another_persona",
    "refresh_keeps_segments_near_their_previous_centroids",
    "refresh_keeps_segment_shares_steady",
    "refresh_segments_still_match_their_personas",
)


def build_date(workdir: Path, snapshots: Path, day: date, **dbt_vars) -> dict:
    return dbt_build(workdir, snapshots / day.isoformat(), {"as_of_date": day.isoformat(), **dbt_vars})


def continue_from(workdir: Path, warehouse: Path) -> Path:
    """A new workdir whose warehouse starts as a copy of warehouse (a saved point of a history)."""
    workdir.mkdir(parents=True)
    shutil.copy(warehouse, warehouse_path(workdir))
    return workdir


def history(workdir: Path, table: str) -> pd.DataFrame:
    return query(workdir, f"select * from {table} order by {HISTORY_TABLES[table]}")


def warning_statuses(run_results: dict) -> dict[str, str]:
    """Status of each drift warning; a test's unique_id is test.<project>.<name>.<hash of its arguments>."""
    return {
        name: next(r["status"] for r in run_results["results"] if r["unique_id"].split(".")[2] == name)
        for name in DRIFT_WARNINGS
    }


def segments_by_date(workdir: Path) -> pd.DataFrame:
    """member x as-of date -> segment_id, from member_segment_history."""
    rows = query(workdir, "select member_id, as_of_date, segment_id from member_segment_history")
    return rows.pivot(index="member_id", columns="as_of_date", values="segment_id")


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("snapshots")
    generate_snapshots(MEMBERS, out, DATES, change_share=0.05)
    return out


@pytest.fixture(scope="module")
def shifted_snapshots(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("shifted")
    generate_snapshots(MEMBERS, out, DATES, change_share=0.05, shift_share=0.4)
    return out


@pytest.fixture(scope="module")
def refits(snapshots, tmp_path_factory) -> dict:
    """The three dates built in order with refresh_mode refit (the default), and the warehouse after each."""
    workdir = tmp_path_factory.mktemp("refit")
    saved = tmp_path_factory.mktemp("refit_saved")
    results = {}
    for day in DATES:
        results[day] = build_date(workdir, snapshots, day)
        shutil.copy(warehouse_path(workdir), saved / f"{day}.duckdb")
    return {"workdir": workdir, "results": results, "saved": saved}


@pytest.fixture(scope="module")
def rebuilt_middle(refits, snapshots, tmp_path_factory) -> Path:
    """The refit history with its middle date built again after the last."""
    workdir = continue_from(tmp_path_factory.mktemp("rebuilt") / "w", refits["saved"] / f"{DATES[2]}.duckdb")
    results = build_date(workdir, snapshots, DATES[1])
    assert failed_nodes(results) == {}
    return workdir


@pytest.fixture(scope="module")
def scores(refits, snapshots, tmp_path_factory) -> dict:
    """The first date refit, then the next two scored with its model."""
    workdir = continue_from(tmp_path_factory.mktemp("score") / "w", refits["saved"] / f"{DATES[0]}.duckdb")
    results = {day: build_date(workdir, snapshots, day, refresh_mode="score") for day in DATES[1:]}
    return {"workdir": workdir, "results": results}


@pytest.fixture(scope="module")
def earlier_version(snapshots, tmp_path_factory) -> dict:
    """A warehouse whose first date an earlier version built (log1p, no lambdas, no clip bounds, history tables
    without the newer columns), then the next date scored and the last refitted with today's defaults."""
    workdir = tmp_path_factory.mktemp("earlier_version")
    first = build_date(workdir, snapshots, DATES[0], segmentation_questions=EARLIER_VERSION_QUESTIONS)
    assert failed_nodes(first) == {}
    with duckdb.connect(str(warehouse_path(workdir))) as warehouse:
        for table, columns in NEWER_HISTORY_COLUMNS.items():
            for column in columns:
                warehouse.execute(f"alter table {table} drop column {column}")
    results = {
        DATES[1]: build_date(workdir, snapshots, DATES[1], refresh_mode="score"),
        DATES[2]: build_date(workdir, snapshots, DATES[2]),
    }
    return {"workdir": workdir, "results": results}


@pytest.fixture(scope="module")
def shifted(refits, shifted_snapshots, tmp_path_factory) -> dict:
    """The refit history of the first two dates, then a shifted population on the third."""
    workdir = continue_from(tmp_path_factory.mktemp("shifted_build") / "w", refits["saved"] / f"{DATES[1]}.duckdb")
    return {"workdir": workdir, "results": build_date(workdir, shifted_snapshots, DATES[2])}


def test_every_refresh_of_the_stable_plan_passes_every_test_without_a_warning(refits, scores):
    for run_results in [*refits["results"].values(), *scores["results"].values()]:
        assert failed_nodes(run_results) == {}
        assert set(warning_statuses(run_results).values()) == {"pass"}


def test_history_holds_each_as_of_date_once_with_its_refresh(refits):
    workdir = refits["workdir"]
    members = history(workdir, "member_segment_history")
    runs = history(workdir, "segmentation_run_history")
    centroids = history(workdir, "segment_centroid_history")

    assert sorted(members["as_of_date"].dt.date.unique()) == DATES
    assert not members.duplicated(["member_id", "as_of_date"]).any()
    assert members.groupby("as_of_date").size().tolist() == runs["members_segmented"].tolist()
    assert runs["as_of_date"].dt.date.tolist() == DATES
    assert runs["refresh_mode"].tolist() == ["refit"] * 3
    assert runs["centroids_from_as_of_date"].dt.date.tolist()[1:] == DATES[:2]
    assert pd.isna(runs["centroids_from_as_of_date"].iloc[0])
    assert centroids.groupby("as_of_date").size().tolist() == [4 * len(FEATURES)] * 3


def test_rebuilding_the_middle_date_after_the_last_changes_nothing(refits, rebuilt_middle):
    for table in HISTORY_TABLES:
        before = history(refits["workdir"], table)
        after = history(rebuilt_middle, table)
        if table == "segmentation_run_history":  # the run record says when it was written
            before, after = before.drop(columns="recorded_at"), after.drop(columns="recorded_at")
        pd.testing.assert_frame_equal(after, before, obj=table)
    assert query(rebuilt_middle, "select distinct as_of_date from segment_profiles")["as_of_date"].dt.date.tolist() == [
        DATES[1]
    ]


def test_migrations_account_for_every_member_of_both_runs(refits):
    workdir = refits["workdir"]
    segments = segments_by_date(workdir)
    migrations = history(workdir, "segment_migrations")

    assert sorted(migrations["as_of_date"].dt.date.unique()) == DATES[1:]
    for earlier, later in pairwise(DATES):
        pair = segments[[pd.Timestamp(earlier), pd.Timestamp(later)]]
        before, after = pair.iloc[:, 0], pair.iloc[:, 1]
        expected = {
            "stayed": int((before == after).sum()),
            "moved": int((before.notna() & after.notna() & (before != after)).sum()),
            "entered": int((before.isna() & after.notna()).sum()),
            "left": int((before.notna() & after.isna()).sum()),
        }
        counts = migrations[migrations["as_of_date"].dt.date == later].groupby("migration")["member_count"].sum()

        assert counts.to_dict() == expected
        assert expected["entered"] > 0
        assert expected["left"] > 0
        assert expected["stayed"] + expected["moved"] + expected["left"] == before.notna().sum()
        assert expected["stayed"] + expected["moved"] + expected["entered"] == after.notna().sum()


def test_a_refit_moves_few_continuing_members_and_mostly_those_who_truly_changed(refits, snapshots):
    segments = segments_by_date(refits["workdir"])

    for earlier, later in pairwise(DATES):
        pair = segments[[pd.Timestamp(earlier), pd.Timestamp(later)]].dropna()
        moved = pair.iloc[:, 0] != pair.iloc[:, 1]
        changes = pd.read_parquet(snapshots / later.isoformat() / "_truth" / "behaviour_changes.parquet")
        changed = pair.index.isin(changes["member_id"])

        assert moved.mean() < 0.10
        assert 0.03 < changed.mean() < 0.07
        assert moved[changed].mean() > 2 * moved[~changed].mean()


def test_in_score_mode_no_member_whose_features_did_not_change_changes_persona(scores, snapshots):
    segments = segments_by_date(scores["workdir"])
    centroids = history(scores["workdir"], "segment_centroid_history")

    for day in DATES[1:]:
        scored = centroids[centroids["as_of_date"].dt.date == day].reset_index(drop=True)
        first = centroids[centroids["as_of_date"].dt.date == DATES[0]].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            scored[MODEL_COLUMNS],
            first[MODEL_COLUMNS],
        )
    for earlier, later in pairwise(DATES):
        before = member_features(snapshots / earlier.isoformat(), pd.Timestamp(earlier)).set_index("member_id")
        after = member_features(snapshots / later.isoformat(), pd.Timestamp(later)).set_index("member_id")
        continuing = before.index.intersection(after.index)
        unchanged = continuing[
            (before.loc[continuing, list(FEATURES)] == after.loc[continuing, list(FEATURES)]).all(axis=1)
        ]
        pair = segments.loc[unchanged, [pd.Timestamp(earlier), pd.Timestamp(later)]]

        assert len(unchanged) > 0.1 * len(continuing)
        assert (pair.iloc[:, 0] == pair.iloc[:, 1]).all()
        assert (
            segments.loc[continuing, pd.Timestamp(earlier)] != segments.loc[continuing, pd.Timestamp(later)]
        ).mean() < 0.10


def test_a_history_an_earlier_version_wrote_still_refreshes(earlier_version):
    workdir = earlier_version["workdir"]
    for results in earlier_version["results"].values():
        assert failed_nodes(results) == {}
    centroids = history(workdir, "segment_centroid_history")
    runs = history(workdir, "segmentation_run_history").set_index(pd.to_datetime(DATES))
    on = {day: centroids[centroids["as_of_date"].dt.date == day].reset_index(drop=True) for day in DATES}

    # The earlier version's rows gained the new columns, empty; score kept its log1p model exactly.
    assert on[DATES[0]]["feature_transform"].isna().all()
    scored_transforms = on[DATES[1]].set_index("feature")["feature_transform"]
    assert scored_transforms[["claims", "call_center"]].eq("log1p").all()
    assert scored_transforms[["age", "premium"]].eq("none").all()
    columns = ["segment_id", "feature", "scaler_center", "scaler_scale", "centroid_scaled"]
    pd.testing.assert_frame_equal(on[DATES[1]][columns], on[DATES[0]][columns])
    assert runs.loc[pd.Timestamp(DATES[1]), "transform"] == "log1p"
    # The refit with today's Yeo-Johnson default started fresh, and says so.
    assert set(on[DATES[2]]["feature_transform"]) == {"yeo_johnson"}
    assert runs.loc[pd.Timestamp(DATES[2]), "transform"] == "yeo_johnson"
    assert pd.isna(runs.loc[pd.Timestamp(DATES[2]), "centroids_from_as_of_date"])
    # Drift compares the log1p centroids with the Yeo-Johnson ones in the features' own units.
    drift = history(workdir, "segment_drift")
    assert drift.loc[drift["as_of_date"].dt.date > DATES[0], "centroid_shift"].notna().all()


def test_drift_warnings_fire_on_a_shifted_population_and_name_what_fired(shifted):
    run_results, workdir = shifted["results"], shifted["workdir"]
    drift = query(workdir, "select * from refresh_verdicts order by as_of_date")
    output = dbt_output(workdir)

    assert warning_statuses(run_results) == dict.fromkeys(DRIFT_WARNINGS, "warn")
    assert set(failed_nodes(run_results)) == {
        result["unique_id"] for result in run_results["results"] if result["unique_id"].split(".")[2] in DRIFT_WARNINGS
    }
    assert drift["needs_review"].tolist() == [False, False, True]
    assert drift["persona_change_share"].iloc[2] > 0.2
    assert "segmentation refresh 2025-12-31:" in output
    assert "of the members in both runs changed persona since 2025-11-30 (at most 20.0% expected)" in output
    assert "centroid moved" in output

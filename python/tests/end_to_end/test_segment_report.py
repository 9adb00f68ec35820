"""The segment report: built from a dbt build of generated extracts, it shows every persona, the marts' numbers
and decodable charts, in one file that needs nothing else; and its projection is the segmentation's own space."""

from __future__ import annotations

import base64
import io
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread
from member_segmentation.pipeline import assign_members_to_segments, fit_segment_centroids
from segmentation_tools.demo_data.generate import generate_snapshots
from segmentation_tools.report.__main__ import main
from segmentation_tools.report.charts import project_members
from segmentation_tools.report.html import MEANS_FEATURE_HEADING, MEANS_TABLE_ID, SIZE_COLUMNS, SIZE_TABLE_ID
from segmentation_tools.report.sections import (
    ACTION_CHANNEL_ID,
    DRIFT_TABLE_ID,
    ENTERED,
    FAIRNESS_FLAGGED_ID,
    LEFT,
    MIGRATION_MATRIX_ID,
    NO_ACTION,
    PERSONA_SUMMARY_ID,
    REVIEW_QUEUE_ID,
)
from segmentation_tools.report.tables import MISSING
from segmentation_tools.report.warehouse import OPTIONAL_TABLES, REPORT_TABLES

from tests.support import dbt_build, planted_features, query

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# What a DataFrame's missing values print as; none may reach the page.
MISSING_TEXTS = ("NaN", "NaT", "<NA>", "None", "nan")
REFRESH_DATES = [date(2025, 11, 30), date(2025, 12, 31)]


class ReportPage(HTMLParser):
    """The parts of the page the tests read: tables by id (rows of cell texts), image sources, tags, text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.image_sources: list[str] = []
        self.tags: set[str] = set()
        self.attribute_values: list[str] = []
        self.texts: list[str] = []
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        attributes = dict(attrs)
        self.attribute_values.extend(value for value in attributes.values() if value)
        if tag == "table" and attributes.get("id"):
            self._table = self.tables.setdefault(attributes["id"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in {"td", "th"} and self._table is not None:
            self._cell = []
        elif tag == "img":
            self.image_sources.append(attributes.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._table is not None and self._cell is not None:
            self._table[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def table(self, table_id: str) -> pd.DataFrame:
        header, *rows = self.tables[table_id]
        return pd.DataFrame(rows, columns=header)


def render(database: Path, out: Path) -> ReportPage:
    main(["--database", str(database), "--out", str(out), "--sample-size", "3000"])
    return ReportPage(out.read_text(encoding="utf-8"))


def number(text: str) -> float:
    return float(text.replace(",", "").removesuffix(" pp").rstrip("%"))


def count(text: str) -> int:
    """A count cell: the dash means none."""
    return 0 if text == MISSING else int(text.replace(",", ""))


def heading(column: str) -> str:
    return SIZE_COLUMNS[column][0]


@pytest.fixture(scope="module")
def report(build, tmp_path_factory) -> ReportPage:
    workdir, _ = build
    return render(workdir / "warehouse.duckdb", tmp_path_factory.mktemp("report") / "segment_report.html")


@pytest.mark.end_to_end
def test_size_table_shows_every_persona_with_the_numbers_of_segment_profiles(build, report, engagement_personas):
    profiles = query(build[0], "select * from segment_profiles order by segment_id")
    shown = report.table(SIZE_TABLE_ID)

    assert sorted(shown[heading("persona")]) == sorted(engagement_personas["persona"])
    assert shown[heading("segment_id")].astype(int).tolist() == profiles["segment_id"].tolist()
    assert shown[heading("member_count")].map(number).tolist() == profiles["member_count"].tolist()
    np.testing.assert_allclose(shown[heading("member_share")].map(number) / 100, profiles["member_share"], atol=5e-4)
    for column in ("mean_distance_to_centroid", "persona_profile_distance"):
        np.testing.assert_allclose(shown[heading(column)].map(number), profiles[column], atol=5e-3)


@pytest.mark.end_to_end
def test_means_table_shows_each_personas_feature_means_from_segment_profiles(build, report):
    profiles = query(build[0], "select * from segment_profiles").set_index("persona")
    shown = report.table(MEANS_TABLE_ID).set_index(MEANS_FEATURE_HEADING)
    columns = [column for column in profiles.columns if column.startswith("mean_") and column not in SIZE_COLUMNS]

    assert shown.index.str.lower().str.replace(" ", "_").str.replace("-", "_").tolist() == [
        column.removeprefix("mean_") for column in columns
    ]
    for persona in profiles.index:
        np.testing.assert_allclose(shown[persona].map(number), profiles.loc[persona, columns], atol=5e-3)


@pytest.mark.end_to_end
def test_every_chart_is_an_embedded_png_that_decodes(report):
    # sizes, heatmap, distributions, projection, drift (a first run still has its profile distances), fairness
    assert len(report.image_sources) == 6
    for source in report.image_sources:
        prefix, payload = source.split(",", 1)
        png = base64.b64decode(payload, validate=True)
        assert prefix == "data:image/png;base64"
        assert png.startswith(PNG_SIGNATURE)
        height, width, _ = imread(io.BytesIO(png), format="png").shape
        assert height > 200
        assert width > 400


@pytest.mark.end_to_end
def test_report_loads_nothing_from_outside_the_file(report):
    assert report.tags.isdisjoint({"script", "link", "iframe", "object", "embed"})
    assert not [value for value in report.attribute_values if "://" in value]


@pytest.mark.end_to_end
def test_optional_marts_show_the_report_dates_rows_or_say_why_there_are_none(build, report, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(build[0] / "warehouse.duckdb", copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("drop table segment_fairness")
        connection.execute("delete from segment_migrations")
        connection.execute(
            "insert into segment_migrations (as_of_date, previous_as_of_date, migration, from_segment_id, "
            "from_persona, to_segment_id, to_persona, member_count) values "
            "(date '2025-12-31', date '2025-11-30', 'moved', 1, 'One', 4, 'Four', 1234), "
            "(date '2025-11-30', date '2025-10-31', 'moved', 2, 'Two', 3, 'Three', 99)"
        )

    edited = render(copy, tmp_path / "segment_report.html")

    # The session's build is a first run: no migrations yet, drift with one row per segment, fairness present.
    assert any("this is the first run of the question in this warehouse." in text for text in report.texts)
    assert MIGRATION_MATRIX_ID not in report.tables
    assert len(report.tables[DRIFT_TABLE_ID]) == 1 + 4
    assert any("First run: nothing to compare yet" in text for text in report.texts)
    assert FAIRNESS_FLAGGED_ID in report.tables
    assert "No segment_fairness table in this warehouse." in edited.texts
    matrix = edited.table(MIGRATION_MATRIX_ID).set_index(edited.tables[MIGRATION_MATRIX_ID][0][0])
    assert matrix.index.tolist() == ["1. One"]
    assert matrix.loc["1. One", ["4. Four", "Row total"]].tolist() == ["1,234", "1,234"]


def test_report_exposure_declares_exactly_the_marts_the_report_reads(manifest):
    exposure = manifest["exposures"]["exposure.member_segmentation.segment_report"]

    # A versioned model's node id ends in its version (member_outreach.v1); the report reads its latest.
    declared = sorted(node.removesuffix(".v1") for node in exposure["depends_on"]["nodes"])

    assert declared == sorted(f"model.member_segmentation.{name}" for name in REPORT_TABLES + OPTIONAL_TABLES)


def test_projected_centroids_sit_at_the_mean_of_their_members(personas, persona_profiles, default_settings):
    members = planted_features(n_per_persona=300)
    centroids = fit_segment_centroids(members, personas, persona_profiles, default_settings)
    assigned = assign_members_to_segments(members, centroids)[["member_id", "segment_id"]]
    sample = members.merge(assigned, on="member_id").merge(personas, on="segment_id")

    projected, centroid_points = project_members(sample, centroids)

    member_means = (
        projected.assign(segment_id=sample["segment_id"].to_numpy()).groupby("segment_id")[["pc1", "pc2"]].mean()
    )
    np.testing.assert_allclose(centroid_points.set_index("segment_id")[["pc1", "pc2"]], member_means, atol=1e-6)
    assert sum(projected.attrs["explained_variance"]) > 0.5


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> tuple[Path, ReportPage]:
    """Two monthly snapshots of a plan whose second month shifts 40% of members' activity, built in order into
    one warehouse (so migrations, drift and the refresh verdict have rows), and the report of the second."""
    snapshots = tmp_path_factory.mktemp("report_snapshots")
    generate_snapshots(3_000, snapshots, REFRESH_DATES, change_share=0.05, shift_share=0.4)
    workdir = tmp_path_factory.mktemp("report_refresh")
    for day in REFRESH_DATES:
        dbt_build(workdir, snapshots / day.isoformat(), {"as_of_date": day.isoformat()})
    page = render(workdir / "warehouse.duckdb", tmp_path_factory.mktemp("refresh_report") / "segment_report.html")
    return workdir, page


def report_date_rows(workdir: Path, mart: str, condition: str = "true") -> pd.DataFrame:
    """The mart's rows meeting the SQL condition for the refreshed report's as-of date (the last snapshot's)."""
    return query(workdir, f"select * from {mart} where as_of_date = date '{REFRESH_DATES[-1]}' and {condition}")


@pytest.mark.end_to_end
def test_a_refresh_report_shows_no_missing_value_text_and_no_row_limit(refreshed):
    _, page = refreshed
    texts = " ".join(page.texts)

    for missing in MISSING_TEXTS:
        assert missing not in texts, missing
        assert not [value for value in page.attribute_values if missing in value and not value.startswith("data:")]
    assert "first 200 rows" not in texts


@pytest.mark.end_to_end
def test_migration_matrix_holds_every_migration_of_the_date(refreshed):
    workdir, page = refreshed
    migrations = report_date_rows(workdir, "segment_migrations")
    matrix = page.table(MIGRATION_MATRIX_ID)
    matrix = matrix.set_index(matrix.columns[0])
    cells = matrix.drop(columns="Row total").map(count)

    assert not migrations.empty
    assert int(cells.to_numpy().sum()) == int(migrations["member_count"].sum())
    for _, move in migrations.iterrows():
        source = ENTERED if pd.isna(move["from_segment_id"]) else f"{move['from_segment_id']}. {move['from_persona']}"
        target = LEFT if pd.isna(move["to_segment_id"]) else f"{move['to_segment_id']}. {move['to_persona']}"
        assert cells.loc[source, target] == move["member_count"]
    assert (matrix["Row total"].map(count) == cells.sum(axis=1)).all()


@pytest.mark.end_to_end
def test_drift_table_and_verdict_follow_segment_drift_and_refresh_verdicts(refreshed):
    workdir, page = refreshed
    drift = report_date_rows(workdir, "segment_drift").sort_values("segment_id", ignore_index=True)
    verdict = report_date_rows(workdir, "refresh_verdicts")
    shown = page.table(DRIFT_TABLE_ID)

    assert shown["Segment"].astype(int).tolist() == drift["segment_id"].tolist()
    np.testing.assert_allclose(shown["Changed persona"].map(number) / 100, drift["persona_change_share"], atol=5e-4)
    np.testing.assert_allclose(shown["Centroid shift"].map(number), drift["centroid_shift"], atol=5e-3)
    flagged = drift[["persona_change_flagged", "centroid_shift_flagged", "member_share_change_flagged"]].any(axis=1)
    assert ((shown["Over its limit"] != "none") >= flagged).all()
    headline = (
        "Refresh needs review before outreach goes out"
        if verdict["needs_review"].item()
        else ("Refresh within every limit")
    )
    assert headline in page.texts


@pytest.mark.end_to_end
def test_fairness_shows_every_flagged_cell(refreshed):
    workdir, page = refreshed
    flagged = report_date_rows(workdir, "segment_fairness", "flagged")
    shown = page.table(FAIRNESS_FLAGGED_ID)

    assert len(shown) == len(flagged) > 0
    assert sorted(zip(shown["Persona or action"], shown["Group"], strict=True)) == sorted(
        zip(flagged["outcome"], flagged["attribute_value"].astype(str), strict=True)
    )
    assert f"All {len(flagged):,} flagged cells" in page.texts


@pytest.mark.end_to_end
def test_summary_counts_members_per_persona_action_channel_and_review(refreshed):
    workdir, page = refreshed
    outreach = report_date_rows(workdir, "member_outreach")
    profiles = report_date_rows(workdir, "segment_profiles")
    personas = page.table(PERSONA_SUMMARY_ID)
    actions = page.table(ACTION_CHANNEL_ID).set_index("Action")
    review = page.table(REVIEW_QUEUE_ID)

    assert personas["Members"].map(count).sum() == len(outreach) == profiles["member_count"].sum()
    expected = outreach.assign(action=outreach["recommended_action"].fillna(NO_ACTION))
    for (action, channel), members in expected.groupby(["action", "outreach_channel"], dropna=False).size().items():
        column = "no channel" if pd.isna(channel) else channel
        assert count(actions.loc[action, column]) == members
    assert actions.map(count).to_numpy().sum() == len(outreach)
    waiting = outreach["review_reason"].notna() | outreach["flagged_for_review"]
    assert review["Members"].map(count).sum() == int(waiting.sum())
    assert f"Waiting for review: {int(waiting.sum()):,} members" in page.texts

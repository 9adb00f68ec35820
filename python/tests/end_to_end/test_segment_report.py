"""The segment report: built from a dbt build of generated extracts, it shows every persona, the marts' numbers
and decodable charts, in one file that needs nothing else; and its projection is the segmentation's own space."""

from __future__ import annotations

import base64
import io
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread
from member_segmentation.pipeline import assign_members_to_segments, fit_segment_centroids
from segmentation_tools.report.__main__ import main
from segmentation_tools.report.charts import project_members
from segmentation_tools.report.html import MEANS_TABLE_ID, SIZE_COLUMNS, SIZE_TABLE_ID
from segmentation_tools.report.warehouse import REPORT_TABLES

from tests.support import planted_features, query

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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
    return float(text.replace(",", "").rstrip("%"))


@pytest.fixture(scope="module")
def report(build, tmp_path_factory) -> ReportPage:
    workdir, _ = build
    return render(workdir / "warehouse.duckdb", tmp_path_factory.mktemp("report") / "segment_report.html")


@pytest.mark.end_to_end
def test_size_table_shows_every_persona_with_the_numbers_of_segment_profiles(build, report, engagement_personas):
    profiles = query(build[0], "select * from segment_profiles order by segment_id")
    shown = report.table(SIZE_TABLE_ID)

    assert sorted(shown["persona"]) == sorted(engagement_personas["persona"])
    assert shown["segment_id"].astype(int).tolist() == profiles["segment_id"].tolist()
    assert shown["member_count"].map(number).tolist() == profiles["member_count"].tolist()
    np.testing.assert_allclose(shown["member_share"].map(number) / 100, profiles["member_share"], atol=5e-4)
    for column in ("mean_distance_to_centroid", "persona_profile_distance"):
        np.testing.assert_allclose(shown[column].map(number), profiles[column], atol=5e-4)


@pytest.mark.end_to_end
def test_means_table_shows_each_personas_feature_means_from_segment_profiles(build, report):
    profiles = query(build[0], "select * from segment_profiles").set_index("persona")
    shown = report.table(MEANS_TABLE_ID).set_index("segment_profiles column")

    assert shown.index.tolist() == [
        column for column in profiles.columns if column.startswith("mean_") and column not in SIZE_COLUMNS
    ]
    for persona in profiles.index:
        np.testing.assert_allclose(shown[persona].map(number), profiles.loc[persona, shown.index], atol=5e-3)


@pytest.mark.end_to_end
def test_every_chart_is_an_embedded_png_that_decodes(report):
    assert len(report.image_sources) == 4
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
            "to_segment_id, member_count) values "
            "(date '2025-12-31', date '2025-11-30', 'moved', 1, 4, 1234), "
            "(date '2025-11-30', date '2025-10-31', 'moved', 2, 3, 99)"
        )

    edited = render(copy, tmp_path / "segment_report.html")

    # The session's build is a first run: no migrations yet, drift with one row per segment, fairness present.
    assert any("This is the first run of the question in this warehouse." in text for text in report.texts)
    assert "segment_migrations" not in report.tables
    assert len(report.tables["segment_drift"]) == 1 + 4
    assert "segment_fairness" in report.tables
    assert "No segment_fairness table in this warehouse." in edited.texts
    migrations = edited.table("segment_migrations")
    assert migrations[["as_of_date", "member_count"]].to_numpy().tolist() == [["2025-12-31", "1234"]]


def test_report_exposure_declares_exactly_the_marts_the_report_reads(manifest):
    exposure = manifest["exposures"]["exposure.member_segmentation.segment_report"]

    assert sorted(exposure["depends_on"]["nodes"]) == sorted(
        f"model.member_segmentation.{name}" for name in REPORT_TABLES
    )


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

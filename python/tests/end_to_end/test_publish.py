"""make publish: the marts marked publish copied for the build's as-of date to a dated folder of Parquet files with
a manifest, without the bi extra; the member-level marts only with the PHI flag; and readers of the published
files never stand in the way of the next build or publish."""

from __future__ import annotations

import json
import shutil

import duckdb
import pyarrow.parquet as pq
import pytest
from segmentation_tools.publish import publish
from segmentation_tools.publish.export import PublishError
from segmentation_tools.publish.manifest import MANIFEST_FILE, sha256_of
from segmentation_tools.publish.selection import PublishSelectionError

from tests.publish_support import build_manifest, comparable, mart_rows, publish_build, published_models
from tests.support import AS_OF, run_build, warehouse_path

pytestmark = pytest.mark.end_to_end


@pytest.fixture(scope="module")
def published_with_phi(build, tmp_path_factory):
    return publish_build(build[0], tmp_path_factory.mktemp("published"), include_phi=True)


def test_publish_writes_a_dated_folder_with_one_parquet_file_per_published_mart(build, published_with_phi):
    expected = published_models(build_manifest(build[0]), include_phi=True)

    assert published_with_phi.name == AS_OF.isoformat()
    assert {path.stem for path in published_with_phi.glob("*.parquet")} == expected
    assert {"member_outreach", "segment_profiles", "renewal_help_candidates"} <= expected
    assert "member_features" not in expected


def test_published_parquet_holds_exactly_the_marts_rows_for_the_as_of_date(build, published_with_phi):
    for path in published_with_phi.glob("*.parquet"):
        published = comparable(pq.read_table(path))
        built = comparable(mart_rows(build[0], path.stem, AS_OF.isoformat()))

        assert list(published.columns) == list(built.columns), path.stem
        assert published.equals(built), path.stem


def test_manifest_states_as_of_date_rows_schema_and_checksums(published_with_phi):
    manifest = json.loads((published_with_phi / MANIFEST_FILE).read_text())

    assert manifest["as_of_date"] == AS_OF.isoformat()
    assert manifest["hyper"] is None
    assert manifest["contains_phi"] is True
    for name, entry in manifest["marts"].items():
        parquet = pq.ParquetFile(published_with_phi / entry["file"])
        assert entry["rows"] == parquet.metadata.num_rows, name
        assert [column["name"] for column in entry["columns"]] == parquet.schema_arrow.names, name
        assert entry["sha256"] == sha256_of(published_with_phi / entry["file"]), name
    assert manifest["marts"]["member_outreach"]["rows"] > 0


def test_the_send_list_is_published_alone_as_parquet_and_csv_of_the_same_rows(build, tmp_path):
    workdir, _ = build
    manifest_path = workdir / "target" / "manifest.json"
    folder = publish(
        warehouse_path(workdir),
        manifest_path,
        tmp_path,
        include_phi=True,
        hyper=False,
        mart="outreach_send_list",
        csv=True,
    )
    built = comparable(mart_rows(workdir, "outreach_send_list", AS_OF.isoformat()))

    assert folder.name == AS_OF.isoformat()
    assert {path.name for path in folder.iterdir()} == {
        MANIFEST_FILE,
        "outreach_send_list.csv",
        "outreach_send_list.parquet",
    }
    assert comparable(pq.read_table(folder / "outreach_send_list.parquet")).equals(built)
    csv_rows = duckdb.sql(f"select * from read_csv('{folder / 'outreach_send_list.csv'}', header = true)").df()
    assert list(csv_rows.columns) == list(built.columns)
    assert sorted(csv_rows["member_id"]) == sorted(built["member_id"])
    assert len(built) > 0
    with pytest.raises(PublishSelectionError, match="outreach_send_list is not a published model"):
        publish(warehouse_path(workdir), manifest_path, tmp_path, hyper=False, mart="outreach_send_list")


def test_without_the_phi_flag_no_member_level_mart_leaves_the_warehouse(build, tmp_path):
    workdir, _ = build
    folder = publish_build(workdir, tmp_path)
    manifest = json.loads((folder / MANIFEST_FILE).read_text())

    assert set(manifest["marts"]) == published_models(build_manifest(workdir), include_phi=False)
    assert not any(entry["contains_phi"] for entry in manifest["marts"].values())
    assert manifest["contains_phi"] is False
    assert not any("member_id" in pq.read_schema(path).names for path in folder.glob("*.parquet"))


def test_publishing_before_a_build_names_the_missing_warehouse(tmp_path, build):
    with pytest.raises(PublishError, match=r"no warehouse; run the build"):
        publish(tmp_path / "absent.duckdb", build[0] / "target" / "manifest.json", tmp_path / "out", hyper=False)


def test_a_build_and_a_republish_succeed_while_a_client_reads_published_files(small_build, small_extracts, tmp_path):
    """A BI client holding the published files open: the next build writes the warehouse and the next publish
    replaces the folder; the client keeps reading the files it opened."""
    source, _ = small_build
    workdir = tmp_path / "build"
    workdir.mkdir()
    shutil.copy2(warehouse_path(source), warehouse_path(workdir))
    shutil.copytree(source / "target", workdir / "target")
    folder = publish_build(workdir, tmp_path / "published")
    client = duckdb.connect()
    client.execute(f"create view profiles as select * from read_parquet('{folder / 'segment_profiles.parquet'}')")
    held_open = (folder / "segment_profiles.parquet").open("rb")
    rows_before = client.execute("select count(*) from profiles").fetchone()[0]
    try:
        rebuilt = run_build(workdir, small_extracts)
        assert rebuilt.returncode == 0, rebuilt.output[-4000:]
        republished = publish_build(workdir, tmp_path / "published")
        assert republished == folder
        assert client.execute("select count(*) from profiles").fetchone()[0] == rows_before
        assert held_open.read(4) == b"PAR1"
    finally:
        held_open.close()
        client.close()

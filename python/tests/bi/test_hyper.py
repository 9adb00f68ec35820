"""The Tableau Hyper extract of make publish (bi extra): read back through the Hyper API, every table holds exactly
the mart's rows for the as-of date, and the manifest's checksum is the file's as published."""

from __future__ import annotations

import json

import pytest
from segmentation_tools.publish.hyper import read_hyper_table
from segmentation_tools.publish.manifest import MANIFEST_FILE, sha256_of

from tests.publish_support import build_manifest, comparable, mart_rows, publish_build, published_models
from tests.support import AS_OF

pytestmark = pytest.mark.end_to_end


@pytest.fixture(scope="module")
def published(build, tmp_path_factory):
    return publish_build(build[0], tmp_path_factory.mktemp("published"), include_phi=True, hyper=True)


def test_the_hyper_extract_holds_exactly_the_marts_rows_for_the_as_of_date(build, published, tmp_path):
    manifest = json.loads((published / MANIFEST_FILE).read_text())
    hyper_file = published / manifest["hyper"]["file"]

    # Before any read: the Hyper API rewrites a file's header when it attaches it.
    assert manifest["hyper"]["sha256"] == sha256_of(hyper_file)
    assert set(manifest["marts"]) == published_models(build_manifest(build[0]), include_phi=True)
    for name in manifest["marts"]:
        from_hyper = comparable(read_hyper_table(hyper_file, name, log_dir=tmp_path))
        built = comparable(mart_rows(build[0], name, AS_OF.isoformat()))

        assert list(from_hyper.columns) == list(built.columns), name
        assert len(from_hyper) == manifest["marts"][name]["rows"], name
        assert from_hyper.equals(built), name

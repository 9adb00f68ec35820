"""The floor contender computes the same seven features as the independent pandas implementation, and draws
the same fit sample as the build (the lowest md5 of member_id and the seed)."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pytest
from segmentation_tools.bench import floor
from segmentation_tools.bench.plain_pandas_baseline import member_features as pandas_features
from segmentation_tools.demo_data.generate import generate_extracts

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    raw = tmp_path_factory.mktemp("floor_plan")
    generate_extracts(3_000, raw, AS_OF, seed=7, file_format="parquet")
    return raw


def test_the_floors_one_query_gives_the_features_of_the_independent_implementation(plan):
    member_ids, matrix, _ = floor.member_features(plan, AS_OF)
    expected = pandas_features(plan, AS_OF)

    assert list(member_ids) == list(expected["member_id"])
    np.testing.assert_allclose(matrix, expected[list(floor.FEATURES)].astype("float64").to_numpy())


def test_the_floor_fits_on_the_builds_md5_sample(plan, monkeypatch):
    monkeypatch.setattr(floor, "FIT_SAMPLE_SIZE", 1_000)
    member_ids, _, in_sample = floor.member_features(plan, AS_OF)
    keys = sorted(member_ids, key=lambda member: hashlib.md5(f"{member}:42".encode()).hexdigest())

    assert in_sample.sum() == 1_000
    assert set(member_ids[in_sample]) == set(keys[:1_000])

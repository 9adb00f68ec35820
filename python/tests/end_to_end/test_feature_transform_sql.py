"""The SQL transform (macros/cross_db/feature_transform.sql) against scikit-learn's, value for value.

member_segments assigns every member in SQL; the fit is scikit-learn's. The two agree only if the SQL computes
the same Yeo-Johnson values as PowerTransformer for every member, including at the edges of its branches.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import PowerTransformer

from tests.support import dbt_output, run_dbt
from tests.unit.test_preprocessing import EDGE_LAMBDAS, EDGE_VALUES

pytestmark = pytest.mark.end_to_end


def sql_values(tmp_path, select: str, rows: list[tuple[float, ...]], columns: list[str]) -> pd.DataFrame:
    """``select`` evaluated by dbt (its macros rendered) on the DuckDB target over the given rows of doubles."""
    values = ", ".join("(" + ", ".join(f"{float(value)!r}::double" for value in row) + ")" for row in rows)
    inline = f"select {select} from (values {values}) as given({', '.join(columns)})"
    run_dbt(tmp_path, ["show", "--quiet", "--output", "json", "--limit", "-1", "--inline", inline])
    return pd.DataFrame(json.loads(dbt_output(tmp_path))["show"])


def test_sql_yeo_johnson_equals_scikit_learns_at_the_edges(tmp_path):
    grid = [(value, lmbda) for lmbda in EDGE_LAMBDAS for value in EDGE_VALUES]

    got = sql_values(tmp_path, "x, l, {{ yeo_johnson('x', 'l') }} as y", grid, ["x", "l"])

    for lmbda, rows in got.groupby("l", sort=False):
        transformer = PowerTransformer(method="yeo-johnson", standardize=False).fit(np.array([[0.0], [1.0]]))
        transformer.lambdas_ = np.array([lmbda])
        reference = transformer.transform(rows[["x"]].to_numpy())[:, 0]
        np.testing.assert_allclose(rows["y"], reference, rtol=4e-15, atol=0, err_msg=f"lambda {lmbda}")


def test_sql_clips_before_it_transforms_and_leaves_unclipped_features_alone(tmp_path):
    no_bound = "cast(null as double)"
    select = (
        f"{{{{ feature_transform('x', \"'none'\", 'null', '{no_bound}', '{no_bound}') }}}} as unclipped, "
        "{{ feature_transform('x', \"'log1p'\", 'null', 'lo', 'hi') }} as log1p_clipped"
    )

    got = sql_values(tmp_path, select, [(-5.0, 0.0, 10.0), (3.0, 0.0, 10.0), (99.0, 0.0, 10.0)], ["x", "lo", "hi"])

    np.testing.assert_array_equal(got["unclipped"], [-5.0, 3.0, 99.0])
    np.testing.assert_allclose(got["log1p_clipped"], np.log1p([0.0, 3.0, 10.0]), rtol=4e-15)

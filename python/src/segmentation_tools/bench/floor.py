"""The floor: only the job, as fast as this machine does it, to measure the production build against.

The contract's seven features of every member covered on the as-of date in ONE DuckDB query over the extracts
(no validation, quarantine, history or tests), then the default question's recipe: each feature clipped to the
fit sample's [0.005, 0.995] quantiles, a Yeo-Johnson power transform fitted on the fit sample and standard
scaling (member_segmentation.preprocessing, as the build); one k-means (k=4, n_init=10, random_state 42, one
thread) on the same md5-drawn fit sample of 200,000 members; every member assigned to the nearest centroid.

Run: python -m segmentation_tools.bench.floor RAW_DIR --out clusters.parquet [--as-of-date 2025-12-31]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from member_segmentation.clustering import assign_to_nearest, fit_centroids
from member_segmentation.preprocessing import fit_scaling, scale

FEATURES = ("age", "premium", "deductible", "claims", "portal_logins", "email_opens", "call_center")
# The build's defaults (dbt_project.yml's vars and the question consumer_engagement).
N_CLUSTERS, RANDOM_STATE, N_INIT, N_THREADS = 4, 42, 10, 1
FIT_SAMPLE_SIZE, CLIP_QUANTILE, LOOKBACK_MONTHS = 200_000, 0.995, 12
# The profile's DuckDB settings, so that the floor and the build run the engine alike.
DUCKDB_CONFIG = {"threads": 2, "memory_limit": "1GB", "preserve_insertion_order": False}

FEATURES_SQL = """
with
window_edges as (
    select cast($as_of as date) as as_of, cast(cast($as_of as date) - $lookback * interval 1 month as date) as start
),
current_enrollments as (
    select enrollments.member_id, enrollments.monthly_premium as premium, plans.deductible
    from read_parquet($raw || '/enrollments.parquet') as enrollments
    join read_parquet($raw || '/plans.parquet') as plans using (plan_id), window_edges
    where enrollments.coverage_start <= as_of
        and (enrollments.coverage_end is null or enrollments.coverage_end >= as_of)
    qualify row_number() over (
        partition by enrollments.member_id order by enrollments.coverage_start desc, enrollments.enrollment_id desc
    ) = 1
),
claims as (
    select member_id, count(distinct claim_id) as claims
    from read_parquet($raw || '/claims.parquet'), window_edges
    where service_date > start and service_date <= as_of group by member_id
),
logins as (
    select member_id, count(*) as portal_logins
    from read_parquet($raw || '/portal_logins.parquet'), window_edges
    where cast(login_at as date) > start and cast(login_at as date) <= as_of group by member_id
),
opens as (
    select member_id, count(*) as email_opens
    from read_parquet($raw || '/email_events.parquet'), window_edges
    where event_type = 'open' and cast(event_at as date) > start and cast(event_at as date) <= as_of
    group by member_id
),
contacts as (
    select member_id, count(distinct contact_id) as call_center
    from read_parquet($raw || '/call_center_contacts.parquet'), window_edges
    where cast(contact_at as date) > start and cast(contact_at as date) <= as_of group by member_id
)
select
    member_id,
    date_part('year', as_of) - date_part('year', members.date_of_birth)
        - case when strftime(as_of, '%m%d') < strftime(members.date_of_birth, '%m%d') then 1 else 0 end as age,
    premium, deductible,
    coalesce(claims, 0) as claims, coalesce(portal_logins, 0) as portal_logins,
    coalesce(email_opens, 0) as email_opens, coalesce(call_center, 0) as call_center,
    md5(member_id || ':' || $seed) as sample_key
from current_enrollments
join read_parquet($raw || '/members.parquet') as members using (member_id)
cross join window_edges
left join claims using (member_id)
left join logins using (member_id)
left join opens using (member_id)
left join contacts using (member_id)
order by member_id
"""


def member_features(raw: Path, as_of_date: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Member ids (sorted), their raw feature matrix, and the mask of the fit sample, from one DuckDB query."""
    with duckdb.connect(config=DUCKDB_CONFIG) as connection:
        table = connection.sql(
            FEATURES_SQL,
            params={
                "raw": str(raw),
                "as_of": as_of_date.isoformat(),
                "lookback": LOOKBACK_MONTHS,
                "seed": str(RANDOM_STATE),
            },
        ).to_arrow_table()
    matrix = np.column_stack([table[name].to_numpy().astype("float64") for name in FEATURES])
    keys = table["sample_key"].to_numpy(zero_copy_only=False)
    in_sample = np.zeros(len(keys), dtype=bool)
    in_sample[np.argsort(keys, kind="stable")[:FIT_SAMPLE_SIZE]] = True
    return table["member_id"].to_numpy(zero_copy_only=False), matrix, in_sample


def segment(matrix: np.ndarray, in_sample: np.ndarray) -> np.ndarray:
    """Fit the recipe and k-means on the fit sample (in member order, as the build), assign everyone."""
    scaling = fit_scaling(matrix[in_sample], FEATURES, ["yeo_johnson"] * len(FEATURES), CLIP_QUANTILE)
    centroids = fit_centroids(scale(matrix[in_sample], scaling), N_CLUSTERS, RANDOM_STATE, N_INIT, N_THREADS)
    nearest, _ = assign_to_nearest(scale(matrix, scaling), centroids)
    return nearest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("--as-of-date", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    parser.add_argument("--out", type=Path, required=True, help="write member_id and cluster to this Parquet file")
    args = parser.parse_args()
    started = time.perf_counter()
    member_ids, matrix, in_sample = member_features(args.raw, args.as_of_date)
    labels = segment(matrix, in_sample)
    pq.write_table(pa.table({"member_id": member_ids, "cluster": labels}), args.out)
    print(f"segmented {len(member_ids):,} members in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()

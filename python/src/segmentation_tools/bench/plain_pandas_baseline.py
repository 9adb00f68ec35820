"""What a data scientist would otherwise write: read the extracts with pandas, group by member, scale, k-means.

It is the benchmark's baseline, and because it implements the feature definitions independently of the SQL it
is also the end-to-end tests' oracle for member_features. It segments with the source's recipe on the full
population: StandardScaler and KMeans(n_clusters=4, n_init=10, random_state=42) on log1p counts.

Run: python -m segmentation_tools.bench.plain_pandas_baseline RAW_DIR [--as-of-date 2025-12-31] [--format parquet|csv]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

COUNT_FEATURES = ["claims", "portal_logins", "email_opens", "call_center"]
FEATURES = ["age", "premium", "deductible", *COUNT_FEATURES]
# Computed for the oracle comparison with member_features; the source's recipe (segment) does not use it.
PAID_FEATURE = "paid_amount_per_member_month"
DATE_COLUMNS = {
    "members": ["date_of_birth"],
    "enrollments": ["coverage_start", "coverage_end"],
    "claims": ["service_date"],
    "portal_logins": ["login_at"],
    "email_events": ["event_at"],
    "call_center_contacts": ["contact_at"],
}


def read_extract(raw: Path, table: str, file_format: str = "parquet") -> pd.DataFrame:
    if file_format == "csv":
        frame = pd.read_csv(raw / f"{table}.csv", dtype={"county_fips": str, "member_id": str})
        for column in DATE_COLUMNS.get(table, []):
            frame[column] = pd.to_datetime(frame[column])
        return frame
    return pd.read_parquet(raw / f"{table}.parquet")


def _in_window(moments: pd.Series, as_of: pd.Timestamp, lookback_months: int) -> pd.Series:
    day = pd.to_datetime(moments).dt.normalize()
    return (day > as_of - pd.DateOffset(months=lookback_months)) & (day <= as_of)


def _covered_months(enrollments: pd.DataFrame, as_of: pd.Timestamp, lookback_months: int) -> pd.Series:
    """Per member, the window's month-long periods (ending on the as-of date) whose last day a span covers."""
    month_ends = np.array(
        [as_of - pd.DateOffset(months=back) for back in range(lookback_months)], dtype="datetime64[ns]"
    )
    start = pd.to_datetime(enrollments["coverage_start"]).to_numpy()[:, None]
    end = pd.to_datetime(enrollments["coverage_end"]).to_numpy()[:, None]
    covered = (start <= month_ends) & (np.isnat(end) | (end >= month_ends))
    by_member = pd.DataFrame(covered).groupby(enrollments["member_id"].to_numpy()).any()
    return by_member.sum(axis=1)


def member_features(
    raw: Path, as_of_date: dt.date, lookback_months: int = 12, file_format: str = "parquet"
) -> pd.DataFrame:
    """The eight features per member covered on the as-of date, sorted by member_id."""
    as_of = pd.Timestamp(as_of_date)
    enrollments = read_extract(raw, "enrollments", file_format)
    start, end = pd.to_datetime(enrollments["coverage_start"]), pd.to_datetime(enrollments["coverage_end"])
    active = enrollments[(start <= as_of) & (end.isna() | (end >= as_of))]
    current = active.sort_values(["coverage_start", "enrollment_id"], ascending=False).drop_duplicates("member_id")
    current = current.merge(read_extract(raw, "plans", file_format)[["plan_id", "deductible"]], on="plan_id")

    members = read_extract(raw, "members", file_format)
    birth = pd.to_datetime(members["date_of_birth"])
    birthday_to_come = (birth.dt.month * 100 + birth.dt.day) > (as_of.month * 100 + as_of.day)
    members["age"] = as_of.year - birth.dt.year - birthday_to_come.astype(int)

    claims = read_extract(raw, "claims", file_format)
    claims = claims[_in_window(claims["service_date"], as_of, lookback_months)]
    logins = read_extract(raw, "portal_logins", file_format)
    logins = logins[_in_window(logins["login_at"], as_of, lookback_months)]
    emails = read_extract(raw, "email_events", file_format)
    opens = emails[(emails["event_type"] == "open") & _in_window(emails["event_at"], as_of, lookback_months)]
    contacts = read_extract(raw, "call_center_contacts", file_format)
    contacts = contacts[_in_window(contacts["contact_at"], as_of, lookback_months)]
    counts = pd.DataFrame(
        {
            "claims": claims.groupby("member_id")["claim_id"].nunique(),
            "portal_logins": logins.groupby("member_id").size(),
            "email_opens": opens.groupby("member_id").size(),
            "call_center": contacts.groupby("member_id")["contact_id"].nunique(),
        }
    )

    features = current[["member_id", "monthly_premium", "deductible"]].rename(columns={"monthly_premium": "premium"})
    features = features.merge(members[["member_id", "age"]], on="member_id")
    features = features.merge(counts, left_on="member_id", right_index=True, how="left")
    features[COUNT_FEATURES] = features[COUNT_FEATURES].fillna(0).astype("int64")
    paid = claims.groupby("member_id")["paid_amount"].sum()
    features[PAID_FEATURE] = features["member_id"].map(paid).fillna(0.0) / features["member_id"].map(
        _covered_months(enrollments, as_of, lookback_months)
    )
    return features[["member_id", *FEATURES, PAID_FEATURE]].sort_values("member_id", ignore_index=True)


def segment(features: pd.DataFrame) -> np.ndarray:
    """Cluster labels with the source's recipe (log1p counts, StandardScaler, KMeans k=4, n_init=10)."""
    matrix = features[FEATURES].astype("float64").to_numpy()
    matrix[:, 3:] = np.log1p(matrix[:, 3:])
    scaled = StandardScaler().fit_transform(matrix)
    return KMeans(n_clusters=4, n_init=10, random_state=42).fit_predict(scaled)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("--as-of-date", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--out", type=Path, help="write member_id and cluster to this Parquet file")
    args = parser.parse_args()
    started = time.perf_counter()
    features = member_features(args.raw, args.as_of_date, file_format=args.format)
    labels = segment(features)
    if args.out:
        features.assign(cluster=labels)[["member_id", "cluster"]].to_parquet(args.out)
    print(f"segmented {len(features):,} members in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()

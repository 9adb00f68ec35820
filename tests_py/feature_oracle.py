"""An independent pandas implementation of the member_features definitions, to check the SQL against.

Written from the definitions in the pipeline issue, not from the SQL: if both agree on generated extracts full
of edge cases, each is likely right.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd


def _read(raw: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(raw / f"{table}.parquet")


def _in_window(dates: pd.Series, as_of: pd.Timestamp, lookback_months: int) -> pd.Series:
    day = pd.to_datetime(dates).dt.normalize()
    return (day > as_of - pd.DateOffset(months=lookback_months)) & (day <= as_of)


def expected_member_features(raw: Path, as_of_date: date, lookback_months: int = 12) -> pd.DataFrame:
    as_of = pd.Timestamp(as_of_date)
    enrollments = _read(raw, "enrollments")
    start, end = pd.to_datetime(enrollments["coverage_start"]), pd.to_datetime(enrollments["coverage_end"])
    active = enrollments[(start <= as_of) & (end.isna() | (end >= as_of))]
    current = active.sort_values(["coverage_start", "enrollment_id"], ascending=False).drop_duplicates("member_id")
    current = current.merge(_read(raw, "plans")[["plan_id", "deductible"]], on="plan_id", how="left")

    members = _read(raw, "members")
    birth = pd.to_datetime(members["date_of_birth"])
    birthday_to_come = (birth.dt.month * 100 + birth.dt.day) > (as_of.month * 100 + as_of.day)
    members = members.assign(age=as_of.year - birth.dt.year - birthday_to_come.astype(int))

    claims = _read(raw, "claims")
    claims = claims[_in_window(claims["service_date"], as_of, lookback_months)]
    logins = _read(raw, "portal_logins")
    logins = logins[_in_window(logins["login_at"], as_of, lookback_months)]
    emails = _read(raw, "email_events")
    opens = emails[(emails["event_type"] == "open") & _in_window(emails["event_at"], as_of, lookback_months)]
    contacts = _read(raw, "call_center_contacts")
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
    features = features.merge(members[["member_id", "age"]], on="member_id", how="inner")
    features = features.merge(counts, left_on="member_id", right_index=True, how="left")
    count_columns = ["claims", "portal_logins", "email_opens", "call_center"]
    features[count_columns] = features[count_columns].fillna(0).astype("int64")
    columns = ["member_id", "age", "premium", "deductible", *count_columns]
    return features[columns].sort_values("member_id", ignore_index=True)

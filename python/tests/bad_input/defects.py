"""The bad rows of the bad-input suite: each defect, how to make it in the clean extracts, and the
rejected_rows row it must produce. The Spark build test applies the same ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from tests.bad_input.support import Extracts
from tests.support import AS_OF


def appended(frame: pd.DataFrame, **row: object) -> pd.DataFrame:
    return pd.concat([frame, pd.DataFrame([row])], ignore_index=True)


def set_value(table: str, key: str, key_value: str, column: str, value: object) -> Callable[[Extracts], None]:
    """A defect: ``column`` of the ``table`` rows whose ``key`` is ``key_value`` set to ``value``."""

    def apply(extracts: Extracts) -> None:
        extracts[table].loc[extracts[table][key] == key_value, column] = value

    return apply


def add_row(table: str, **row: object) -> Callable[[Extracts], None]:
    """A defect: one more ``table`` row."""
    return lambda extracts: extracts.__setitem__(table, appended(extracts[table], **row))


@dataclass(frozen=True)
class Quarantine:
    """One bad input: how to make it, and the rejected_rows row it must produce (rule None: must not reject)."""

    source_table: str
    natural_key: str | None
    rejection_rule: str | None
    apply: Callable[[Extracts], None]
    extract_rows: int = 1


def member_value(member: str, column: str, value: object, rule: str) -> Quarantine:
    """A defect in the member's row: ``column`` set to ``value``, rejected by ``rule``."""
    return Quarantine("members", member, rule, set_value("members", "member_id", member, column, value))


def parquet_defects(clean: Extracts, cast: list[str]) -> dict[str, Quarantine]:
    spans = clean["enrollments"].set_index("member_id")
    plans = clean["plans"]
    claim = clean["claims"].iloc[0]
    other_plan = plans.loc[plans["plan_id"] != spans.loc[cast[11], "plan_id"], "plan_id"].iloc[-1]

    def members(change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Extracts], None]:
        return lambda extracts: extracts.__setitem__("members", change(extracts["members"]))

    def span_of(member: str, **changes: object) -> dict:
        return {**spans.loc[member].to_dict(), "member_id": member, **changes}

    def span_value(member: str, column: str, value: object, rule: str) -> Quarantine:
        """A defect in the member's only coverage span: ``column`` set to ``value``."""
        key = spans.loc[member, "enrollment_id"]
        return Quarantine("enrollments", key, rule, set_value("enrollments", "member_id", member, column, value))

    def span_copy(member: str, enrollment_id: str, rule: str | None, **changes: object) -> Quarantine:
        """One more coverage span: the member's copied under ``enrollment_id``, with ``changes``."""
        copy = span_of(member, enrollment_id=enrollment_id, **changes)
        return Quarantine("enrollments", enrollment_id, rule, add_row("enrollments", **copy))

    def claim_copy(claim_id: str, rule: str | None, **changes: object) -> Quarantine:
        """One more claim line: the first one copied under ``claim_id``, with ``changes``."""
        copy = {**claim.to_dict(), "claim_id": claim_id, **changes}
        return Quarantine("claims", claim_id, rule, add_row("claims", **copy))

    first_member_row = clean["members"].iloc[0].to_dict()
    quiet = members_without_preferences(clean, cast)
    return {
        **contact_preference_defects(quiet),
        "member_listed_twice": Quarantine(
            "members",
            cast[0],
            "member_id_duplicated",
            members(lambda m: pd.concat([m, m[m["member_id"] == cast[0]]])),
            2,
        ),
        "member_without_id": Quarantine(
            "members", None, "member_id_missing", add_row("members", **{**first_member_row, "member_id": None})
        ),
        "born_after_the_as_of_date": member_value(
            cast[1], "date_of_birth", AS_OF + timedelta(days=1), "date_of_birth_after_as_of_date"
        ),
        "older_than_120": member_value(cast[2], "date_of_birth", date(1900, 1, 1), "age_over_120_on_as_of_date"),
        "date_of_birth_missing": member_value(cast[3], "date_of_birth", None, "date_of_birth_missing"),
        "sex_not_f_m_or_u": member_value(cast[4], "sex", "X", "sex_unknown_value"),
        "negative_premium": span_value(cast[5], "monthly_premium", -12.5, "monthly_premium_negative"),
        "coverage_ends_before_it_starts": span_value(
            cast[6],
            "coverage_end",
            spans.loc[cast[6], "coverage_start"] - timedelta(1),
            "coverage_end_before_coverage_start",
        ),
        "plan_not_in_plans": span_value(cast[7], "plan_id", "P-NO-SUCH-PLAN", "plan_id_unknown"),
        "coverage_starts_years_ahead": span_value(
            cast[8], "coverage_start", date(2031, 1, 1), "coverage_start_out_of_range"
        ),
        "span_copied_under_a_new_id": span_copy(cast[9], "E-COPY", "coverage_span_duplicated"),
        "spans_overlapping_on_the_same_plan": span_copy(
            cast[10], "E-OVERLAP", "coverage_span_overlaps_same_plan", coverage_start=AS_OF - timedelta(30)
        ),
        "plan_switch_overlap_is_allowed": span_copy(
            cast[11], "E-SWITCH", None, plan_id=other_plan, coverage_start=AS_OF
        ),
        "renewal_back_to_back_on_the_same_plan_is_allowed": span_copy(
            cast[21],
            "E-RENEWED",
            None,
            coverage_start=date(2023, 1, 1),
            coverage_end=spans.loc[cast[21], "coverage_start"] - timedelta(1),
        ),
        "spans_sharing_one_day_on_the_same_plan": span_copy(
            cast[22],
            "E-ONE-DAY",
            "coverage_span_overlaps_same_plan",
            coverage_start=date(2023, 1, 1),
            coverage_end=spans.loc[cast[22], "coverage_start"],
        ),
        "bad_copy_of_a_span_leaves_the_original_valid": span_copy(
            cast[23], "E-BAD-COPY", "monthly_premium_negative", monthly_premium=-1.0
        ),
        "enrollment_of_an_unknown_member": span_copy(cast[12], "E-GHOST", "member_id_unknown", member_id="M-GHOST-1"),
        "plan_with_negative_deductible": Quarantine(
            "plans",
            "P-NEGATIVE",
            "deductible_negative",
            add_row("plans", **{**plans.iloc[0].to_dict(), "plan_id": "P-NEGATIVE", "deductible": -500.0}),
        ),
        "enrollment_on_a_rejected_plan": span_value(cast[13], "plan_id", "P-NEGATIVE", "plan_id_rejected"),
        "claim_without_member": claim_copy("C-NO-MEMBER", "member_id_missing", member_id=None),
        "claim_of_an_unknown_member": claim_copy("C-GHOST", "member_id_unknown", member_id="M-GHOST-2"),
        "claim_type_not_medical_or_pharmacy": claim_copy("C-DENTAL", "claim_type_unknown_value", claim_type="dental"),
        "claim_serviced_before_1900": claim_copy(
            "C-1899", "service_date_out_of_range", service_date=date(1899, 12, 31)
        ),
        "reversal_with_negative_paid_amount_is_allowed": claim_copy("C-REVERSAL", None, paid_amount=-80.0),
        "login_decades_ahead": Quarantine(
            "portal_logins",
            f"{cast[14]}|2099-01-01 08:00:00",
            "login_at_out_of_range",
            add_row("portal_logins", member_id=cast[14], login_at=datetime(2099, 1, 1, 8), channel="web"),
        ),
        "login_days_after_the_as_of_date_is_allowed": Quarantine(
            "portal_logins",
            f"{cast[14]}|2026-01-05 08:00:00",
            None,
            add_row("portal_logins", member_id=cast[14], login_at=datetime(2026, 1, 5, 8), channel="web"),
        ),
        "login_channel_not_web_or_mobile": Quarantine(
            "portal_logins",
            f"{cast[15]}|2025-06-01 08:00:00",
            "channel_unknown_value",
            add_row("portal_logins", member_id=cast[15], login_at=datetime(2025, 6, 1, 8), channel="tablet"),
        ),
        "email_event_type_not_sent_open_or_click": Quarantine(
            "email_events",
            f"{cast[16]}|CMP-X|bounce|2025-06-01 10:00:00",
            "event_type_unknown_value",
            add_row(
                "email_events",
                member_id=cast[16],
                campaign_id="CMP-X",
                event_type="bounce",
                event_at=datetime(2025, 6, 1, 10),
            ),
        ),
        "email_event_without_timestamp": Quarantine(
            "email_events",
            f"{cast[16]}|CMP-Y|open|",
            "event_at_missing",
            add_row("email_events", member_id=cast[16], campaign_id="CMP-Y", event_type="open", event_at=None),
        ),
        "call_of_an_unknown_member": Quarantine(
            "call_center_contacts",
            "K-GHOST",
            "member_id_unknown",
            add_row(
                "call_center_contacts",
                contact_id="K-GHOST",
                member_id="M-GHOST-3",
                contact_at=datetime(2025, 6, 1, 9),
                reason="billing",
            ),
        ),
        "call_without_contact_id": Quarantine(
            "call_center_contacts",
            None,
            "contact_id_missing",
            add_row(
                "call_center_contacts",
                contact_id=None,
                member_id=cast[17],
                contact_at=datetime(2025, 6, 1, 9),
                reason="billing",
            ),
        ),
    }


def members_without_preferences(clean: Extracts, cast: list[str]) -> list[str]:
    """The cast members after those the other defects take (cast[:24]) with no row in the clean contact
    preferences: the defects below are then their only preferences."""
    recorded = set(clean["contact_preferences"]["member_id"])
    return [member for member in cast[24:] if member not in recorded]


def preference(member: str | None, channel: str, opted_out: object, updated_at: object) -> Callable[[Extracts], None]:
    """A defect: one more contact_preferences row."""
    return add_row("contact_preferences", member_id=member, channel=channel, opted_out=opted_out, updated_at=updated_at)


def both(*defects: Callable[[Extracts], None]) -> Callable[[Extracts], None]:
    def apply(extracts: Extracts) -> None:
        for defect in defects:
            defect(extracts)

    return apply


def contact_preference_defects(quiet: list[str]) -> dict[str, Quarantine]:
    """Contact preference rows: each rule of int_contact_preferences_validated, and two histories that are valid
    (an opt-out reversed by a later opt-in; two rows at one moment that disagree, where the opt-out wins)."""
    june = datetime(2025, 6, 1, 8)
    return {
        "preference_without_member": Quarantine(
            "contact_preferences",
            "|email|2025-06-01 08:00:00",
            "member_id_missing",
            preference(None, "email", True, june),
        ),
        "preference_of_an_unknown_member": Quarantine(
            "contact_preferences",
            "M-GHOST-4|email|2025-06-01 08:00:00",
            "member_id_unknown",
            preference("M-GHOST-4", "email", True, june),
        ),
        "preference_for_a_channel_no_action_uses": Quarantine(
            "contact_preferences",
            f"{quiet[0]}|sms|2025-06-01 08:00:00",
            "channel_unknown_value",
            preference(quiet[0], "sms", True, june),
        ),
        "preference_without_opted_out": Quarantine(
            "contact_preferences",
            f"{quiet[0]}|phone|2025-06-01 08:00:00",
            "opted_out_missing",
            preference(quiet[0], "phone", None, june),
        ),
        "preference_without_timestamp": Quarantine(
            "contact_preferences",
            f"{quiet[0]}|portal|",
            "updated_at_missing",
            preference(quiet[0], "portal", True, None),
        ),
        "preference_recorded_after_the_as_of_date": Quarantine(
            "contact_preferences",
            f"{quiet[1]}|email|2026-01-05 08:00:00",
            "updated_at_after_as_of_date",
            preference(quiet[1], "email", False, datetime(2026, 1, 5, 8)),
        ),
        "opt_out_reversed_by_a_later_opt_in_is_allowed": Quarantine(
            "contact_preferences",
            f"{quiet[2]}|email|2025-06-01 08:00:00",
            None,
            both(
                preference(quiet[2], "email", True, datetime(2025, 3, 1, 8)), preference(quiet[2], "email", False, june)
            ),
        ),
        "opt_in_and_opt_out_at_one_moment_are_allowed": Quarantine(
            "contact_preferences",
            f"{quiet[3]}|phone|2025-06-01 08:00:00",
            None,
            both(preference(quiet[3], "phone", False, june), preference(quiet[3], "phone", True, june)),
        ),
    }


PARQUET_DEFECTS = (
    "member_listed_twice",
    "member_without_id",
    "born_after_the_as_of_date",
    "older_than_120",
    "date_of_birth_missing",
    "sex_not_f_m_or_u",
    "negative_premium",
    "coverage_ends_before_it_starts",
    "plan_not_in_plans",
    "coverage_starts_years_ahead",
    "span_copied_under_a_new_id",
    "spans_overlapping_on_the_same_plan",
    "plan_switch_overlap_is_allowed",
    "renewal_back_to_back_on_the_same_plan_is_allowed",
    "spans_sharing_one_day_on_the_same_plan",
    "bad_copy_of_a_span_leaves_the_original_valid",
    "enrollment_of_an_unknown_member",
    "plan_with_negative_deductible",
    "enrollment_on_a_rejected_plan",
    "claim_without_member",
    "claim_of_an_unknown_member",
    "claim_type_not_medical_or_pharmacy",
    "claim_serviced_before_1900",
    "reversal_with_negative_paid_amount_is_allowed",
    "login_decades_ahead",
    "login_days_after_the_as_of_date_is_allowed",
    "login_channel_not_web_or_mobile",
    "email_event_type_not_sent_open_or_click",
    "email_event_without_timestamp",
    "call_of_an_unknown_member",
    "call_without_contact_id",
    "preference_without_member",
    "preference_of_an_unknown_member",
    "preference_for_a_channel_no_action_uses",
    "preference_without_opted_out",
    "preference_without_timestamp",
    "preference_recorded_after_the_as_of_date",
    "opt_out_reversed_by_a_later_opt_in_is_allowed",
    "opt_in_and_opt_out_at_one_moment_are_allowed",
)


CSV_DEFECTS = (
    "date_of_birth_not_a_date",
    "premium_with_a_decimal_comma",
    "login_time_in_words",
    "paid_amount_not_a_number",
    "opted_out_not_a_boolean",
    "preference_time_in_words",
    "opted_out_written_as_y_is_allowed",
)


def csv_defects(clean: Extracts, cast: list[str]) -> dict[str, Quarantine]:
    enrollment = clean["enrollments"].loc[clean["enrollments"]["member_id"] == cast[19], "enrollment_id"].iloc[0]
    claim = clean["claims"].iloc[0].to_dict()
    quiet = members_without_preferences(clean, cast)

    return {
        "opted_out_not_a_boolean": Quarantine(
            "contact_preferences",
            f"{quiet[4]}|email|2025-06-01 08:00:00",
            "opted_out_unparseable",
            preference(quiet[4], "email", "maybe", "2025-06-01 08:00:00"),
        ),
        "preference_time_in_words": Quarantine(
            "contact_preferences",
            f"{quiet[4]}|phone|last week",
            "updated_at_unparseable",
            preference(quiet[4], "phone", "true", "last week"),
        ),
        "opted_out_written_as_y_is_allowed": Quarantine(
            "contact_preferences",
            f"{quiet[5]}|phone|2025-06-01 08:00:00",
            None,
            preference(quiet[5], "phone", " Y ", "2025-06-01 08:00:00"),
        ),
        "date_of_birth_not_a_date": member_value(cast[18], "date_of_birth", "1985-13-45", "date_of_birth_unparseable"),
        "premium_with_a_decimal_comma": Quarantine(
            "enrollments",
            enrollment,
            "monthly_premium_unparseable",
            set_value("enrollments", "enrollment_id", enrollment, "monthly_premium", "12,50"),
        ),
        "login_time_in_words": Quarantine(
            "portal_logins",
            f"{cast[20]}|yesterday",
            "login_at_unparseable",
            add_row("portal_logins", member_id=cast[20], login_at="yesterday", channel="web"),
        ),
        "paid_amount_not_a_number": Quarantine(
            "claims",
            "C-NAN",
            "paid_amount_unparseable",
            add_row("claims", **{**claim, "claim_id": "C-NAN", "paid_amount": "n/a"}),
        ),
    }

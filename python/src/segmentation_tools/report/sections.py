"""The report's business sections: the one-screen summary, migrations as a from -> to matrix, drift against its
limits and the fairness review, each a chart or a formatted table holding every row of its mart for the as-of
date (no truncation)."""

from __future__ import annotations

from html import escape

import pandas as pd

from segmentation_tools.report.charts import png_data_uri
from segmentation_tools.report.monitoring_charts import drift_figure, fairness_figure, lift_figure
from segmentation_tools.report.tables import MISSING, Column, format_cell, html_table, is_missing
from segmentation_tools.report.warehouse import ReportData

SUMMARY_ID = "summary"
PERSONA_SUMMARY_ID = "summary-personas"
ACTION_CHANNEL_ID = "summary-actions"
REVIEW_QUEUE_ID = "summary-review"
VERDICT_ID = "summary-verdict"
MIGRATION_MATRIX_ID = "migration-matrix"
DRIFT_TABLE_ID = "drift-table"
FAIRNESS_FLAGGED_ID = "fairness-flagged"
NO_ACTION = "none: waiting for review"
ENTERED = "entered (new coverage)"
LEFT = "left (coverage ended)"
DRIFT_CHECKS = {
    "persona_change_flagged": "persona changes",
    "centroid_shift_flagged": "centroid shift",
    "member_share_change_flagged": "share change",
    "persona_fit_flagged": "persona fit",
}


def section(title: str, explanation: str, *body: str, section_id: str = "") -> str:
    identifier = f' id="{escape(section_id)}"' if section_id else ""
    return f"<section{identifier}><h2>{escape(title)}</h2><p>{escape(explanation)}</p>{''.join(body)}</section>"


def note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>'


def placeholder_section(
    title: str, explanation: str, rows: pd.DataFrame | None, table: str, when_empty: str
) -> str | None:
    """The section to show in place of the table's rows: the report still renders on a warehouse built before the
    table existed, or without rows for the as-of date (when_empty says why). None when there are rows to show."""
    if rows is None:
        return section(title, explanation, note(f"No {table} table in this warehouse."))
    if rows.empty:
        return section(title, explanation, note(when_empty))
    return None


def image(figure_uri: str, alt: str) -> str:
    return f'<img src="{figure_uri}" alt="{escape(alt)}">'


def _card(title: str, *body: str, wide: bool = False) -> str:
    css_class = "card wide" if wide else "card"
    return f'<div class="{css_class}"><h3>{escape(title)}</h3>{"".join(body)}</div>'


def _verdict(verdicts: pd.DataFrame | None, drift: pd.DataFrame | None) -> tuple[str, str, str]:
    """(css class, headline, detail) of the refresh verdict of the report's as-of date."""
    if verdicts is None or verdicts.empty:
        return (
            "neutral",
            "No refresh verdict in this warehouse",
            "The build has no refresh_verdicts rows for this date.",
        )
    run = verdicts.iloc[0]
    if is_missing(run["previous_as_of_date"]):
        return "neutral", "First run: nothing to compare yet", "Drift is checked from the next as-of date on."
    previous = format_cell(run["previous_as_of_date"], "date")
    checks = []
    if drift is not None and not drift.empty:
        checks = [label for column, label in DRIFT_CHECKS.items() if drift[column].fillna(False).astype(bool).any()]
    if bool(run["needs_review"]):
        detail = f"Compared with {previous}; over a limit: {', '.join(checks) or 'see drift'}."
        return "alert", "Refresh needs review before outreach goes out", detail
    return "ok", "Refresh within every limit", f"Compared with {previous}: no drift check fired."


def _verdict_table(verdicts: pd.DataFrame) -> str:
    run = verdicts.iloc[0]
    rows = pd.DataFrame(
        [
            ("Members now", format_cell(run["members"], "count")),
            ("Members before", format_cell(run["previous_members"], "count")),
            (
                "Entered / left",
                f"{format_cell(run['entered_members'], 'count')} / {format_cell(run['left_members'], 'count')}",
            ),
            ("Changed persona", format_cell(run["persona_change_share"], "share")),
            ("Largest centroid shift", format_cell(run["max_centroid_shift"], "decimal")),
            ("Largest share change", format_cell(run["max_member_share_change"], "points").lstrip("+")),
        ],
        columns=["measure", "value"],
    )
    return html_table(rows, [Column("measure", "Measure"), Column("value", "Value")], VERDICT_ID, css_class="compact")


def action_channel_matrix(action_channels: pd.DataFrame) -> pd.DataFrame:
    """member_outreach counts as a recommended action x channel matrix, plus the members with no action."""
    counts = action_channels.assign(
        action=action_channels["recommended_action"].where(action_channels["recommended_action"].notna(), NO_ACTION),
        channel=action_channels["outreach_channel"].where(action_channels["outreach_channel"].notna(), MISSING),
    )
    matrix = counts.pivot_table(index="action", columns="channel", values="members", aggfunc="sum")
    matrix = matrix.loc[sorted(matrix.index, key=lambda action: (action == NO_ACTION, action))]
    matrix = matrix[sorted(matrix.columns, key=lambda channel: (channel == MISSING, channel))]
    return matrix.reset_index().rename_axis(columns=None)


def summary_section(data: ReportData) -> str:
    """One screen: the refresh verdict, members per persona, who gets which action on which channel, who waits for
    review and why, and the fairness flags."""
    verdicts = data.optional_tables.get("refresh_verdicts")
    drift = data.optional_tables.get("segment_drift")
    style, headline, detail = _verdict(verdicts, drift)
    banner = f'<div class="verdict {style}"><strong>{escape(headline)}</strong> {escape(detail)}</div>'

    personas = data.profiles.assign(
        label=[
            persona if persona == matched else f"{persona} ({matched})"
            for persona, matched in zip(data.profiles["persona"], data.profiles["matched_persona"], strict=True)
        ]
    )
    persona_table = html_table(
        personas,
        [
            Column("label", "Persona"),
            Column("member_count", "Members", "count"),
            Column("member_share", "Share", "share"),
        ],
        PERSONA_SUMMARY_ID,
        css_class="compact",
    )
    matrix = action_channel_matrix(data.action_channels)
    action_table = html_table(
        matrix,
        [
            Column("action", "Action"),
            *(Column(c, c if c != MISSING else "no channel", "count") for c in matrix.columns[1:]),
        ],
        ACTION_CHANNEL_ID,
        css_class="compact",
    )
    queue = data.review_queue
    waiting = int(queue["members"].sum()) if not queue.empty else 0
    review_body = (
        html_table(
            queue.assign(level=queue["review_level"].map({"segment": "segment", "member": "member"})),
            [
                Column("level", "Held"),
                Column("persona", "Persona"),
                Column("reason", "Why"),
                Column("members", "Members", "count"),
            ],
            REVIEW_QUEUE_ID,
            css_class="compact",
        )
        if waiting
        else note("No member waits for review.")
    )
    fairness_body = _fairness_summary(data.optional_tables.get("segment_fairness"))
    has_previous_run = (
        verdicts is not None and not verdicts.empty and not is_missing(verdicts.iloc[0]["previous_as_of_date"])
    )
    cards = [
        _card("Members per persona", persona_table),
        _card("Who gets which action on which channel (members)", action_table),
        _card("Refresh since the previous run", _verdict_table(verdicts)) if has_previous_run else "",
        _card(f"Waiting for review: {waiting:,} members", review_body, wide=True),
        _card("Fairness review", fairness_body),
    ]
    return f'<section id="{SUMMARY_ID}"><h2>Summary</h2>{banner}<div class="cards">{"".join(cards)}</div></section>'


def _fairness_summary(fairness: pd.DataFrame | None) -> str:
    if fairness is None:
        return note("No segment_fairness table in this warehouse.")
    flagged = fairness["flagged"].fillna(False).astype(bool)
    by_design = fairness["by_design"].astype(bool)
    suppressed = fairness["suppressed"].fillna(False).astype(bool)
    counts = pd.DataFrame(
        [
            ("Flagged, to look at", int((flagged & ~by_design).sum())),
            ("Flagged, by design", int((flagged & by_design).sum())),
            ("Within the band", int((~flagged & ~suppressed).sum())),
            ("Too small to show", int(suppressed.sum())),
        ],
        columns=["cells", "count"],
    )
    return html_table(
        counts, [Column("cells", "Cells"), Column("count", "Count", "count")], "summary-fairness", css_class="compact"
    )


def migrations_section(migrations: pd.DataFrame | None) -> str:
    """Members by persona before (rows, plus those who entered) and now (columns, plus those who left)."""
    title = "Migrations since the previous run"
    explanation = (
        "Members by their persona in the previous run (rows) and now (columns), from segment_migrations: the "
        "diagonal stayed, other cells moved; members who entered (newly covered) are a row of their own and those "
        "who left (coverage ended) a column."
    )
    first_run = "No migrations for this as-of date: this is the first run of the question in this warehouse."
    if placeholder := placeholder_section(title, explanation, migrations, "segment_migrations", first_run):
        return placeholder
    previous = format_cell(migrations["previous_as_of_date"].iloc[0], "date")
    rows = migrations.assign(
        source=[
            _segment_label(s, p, ENTERED)
            for s, p in zip(migrations["from_segment_id"], migrations["from_persona"], strict=True)
        ],
        target=[
            _segment_label(s, p, LEFT)
            for s, p in zip(migrations["to_segment_id"], migrations["to_persona"], strict=True)
        ],
    )
    matrix = rows.pivot_table(index="source", columns="target", values="member_count", aggfunc="sum")
    matrix = matrix.loc[sorted(matrix.index, key=lambda label: (label != ENTERED, label))]
    matrix = matrix[sorted(matrix.columns, key=lambda label: (label == LEFT, label))]
    matrix["Row total"] = matrix.sum(axis=1)
    table = matrix.reset_index().rename_axis(columns=None)
    columns = [Column("source", f"Before ({previous}) \u2193 / now \u2192")] + [
        Column(column, column, "count") for column in table.columns[1:]
    ]
    return section(title, explanation, html_table(table, columns, MIGRATION_MATRIX_ID, css_class="matrix"))


def _segment_label(segment_id: object, persona: object, absent: str) -> str:
    if is_missing(segment_id):
        return absent
    return f"segment {int(segment_id)}" if is_missing(persona) else f"{int(segment_id)}. {persona}"


def drift_section(drift: pd.DataFrame | None, thresholds: dict[str, float]) -> str:
    title = "Drift since the previous run"
    explanation = (
        "Per segment (segment_drift): the share of its continuing members who changed persona, how far its "
        "centroid moved, how much its share of members changed and how far it lies from its persona's profile, "
        "each against the limit the build checks (dashed line, vars drift_* and persona_match_max_distance)."
    )
    no_rows = "No segment_drift rows for this as-of date."
    if placeholder := placeholder_section(title, explanation, drift, "segment_drift", no_rows):
        return placeholder
    checks = drift[list(DRIFT_CHECKS)].fillna(False).astype(bool)
    table = drift.assign(
        over_limit=[
            ", ".join(label for column, label in DRIFT_CHECKS.items() if row[column]) or "none"
            for _, row in checks.iterrows()
        ]
    ).sort_values("segment_id")
    columns = [
        Column("segment_id", "Segment", "count"),
        Column("persona", "Persona"),
        Column("previous_member_count", "Members before", "count"),
        Column("member_count", "Members now", "count"),
        Column("member_share_change", "Share change", "points"),
        Column("persona_change_share", "Changed persona", "share"),
        Column("centroid_shift", "Centroid shift", "decimal"),
        Column("persona_profile_distance", "Distance from profile", "decimal"),
        Column("over_limit", "Over its limit"),
    ]
    styles = ["flagged" if flag else "" for flag in checks.loc[table.index].any(axis=1)]
    return section(
        title,
        explanation,
        image(png_data_uri(drift_figure(drift, thresholds)), "Drift per segment against its limits"),
        html_table(table, columns, DRIFT_TABLE_ID, row_styles=styles),
    )


def fairness_section(fairness: pd.DataFrame | None, thresholds: dict[str, float]) -> str:
    title = "Fairness review"
    ratio_min = thresholds.get("fairness_ratio_min", 0.8)
    ratio_max = thresholds.get("fairness_ratio_max", 1.25)
    explanation = (
        "How often each persona and action occurs in a member group (age band, sex, language, state, metal tier) "
        "against the whole plan, from segment_fairness: a cell is flagged when the ratio's whole 95% interval lies "
        f"outside {ratio_min:g}-{ratio_max:g}. By design marks attributes that derive from a clustering feature."
    )
    no_rows = "No segment_fairness rows for this as-of date."
    if placeholder := placeholder_section(title, explanation, fairness, "segment_fairness", no_rows):
        return placeholder
    flagged = fairness[fairness["flagged"].fillna(False).astype(bool)].copy()
    flagged = flagged.assign(
        kind=flagged["outcome_type"]
        .map({"persona": "persona", "recommended_action": "action"})
        .fillna(flagged["outcome_type"]),
        attribute_label=flagged["attribute"].str.replace("_", " "),
        interval=[
            f"{format_cell(low, 'ratio')}\u2013{format_cell(high, 'ratio')}"
            for low, high in zip(flagged["rate_ratio_lower"], flagged["rate_ratio_upper"], strict=True)
        ],
    ).sort_values(["by_design", "rate_ratio", "attribute", "attribute_value", "outcome"])
    columns = [
        Column("kind", "Type"),
        Column("outcome", "Persona or action"),
        Column("attribute_label", "Attribute"),
        Column("attribute_value", "Group"),
        Column("group_members", "Group members", "count"),
        Column("group_rate", "Rate in group", "share"),
        Column("overall_rate", "Rate in plan", "share"),
        Column("rate_ratio", "Ratio", "ratio"),
        Column("interval", "95% interval"),
        Column("by_design", "By design", "flag"),
    ]
    flagged_body = (
        html_table(
            flagged,
            columns,
            FAIRNESS_FLAGGED_ID,
            row_styles=["" if d else "flagged" for d in flagged["by_design"].astype(bool)],
        )
        if not flagged.empty
        else note("No cell is flagged.")
    )
    shown = int((~fairness["suppressed"].fillna(False).astype(bool)).sum())
    return section(
        title,
        explanation,
        f"<h3>All {len(flagged):,} flagged cells</h3>",
        flagged_body,
        f"<h3>Rate ratios of all {shown:,} shown cells</h3>",
        note(f"{len(fairness) - shown:,} cells with fewer than the minimum cell size are suppressed and not drawn."),
        image(png_data_uri(fairness_figure(fairness, ratio_min, ratio_max)), "Fairness rate ratios with the band"),
    )


def lift_section(lift: pd.DataFrame | None) -> str:
    title = "Outreach lift"
    explanation = (
        "What each action changed, from outreach_lift: the share of a persona's outreach group (sent or suppressed: "
        "intent to treat) whose outcome happened before the next as-of date, minus the share of its randomized "
        "holdout, with its 95% interval. An interval that excludes 0 is a measured effect (docs/OUTREACH_LIFT.md)."
    )
    if lift is None or lift.empty:
        return section(title, explanation, note("No cohort has been followed up yet: build the next as-of date."))
    shown = int(lift["lift"].notna().sum())
    return section(
        title,
        explanation,
        note(f"{len(lift) - shown:,} cells with fewer than the minimum cell size in a group are suppressed."),
        image(png_data_uri(lift_figure(lift)), "Lift per persona and action with its 95% interval")
        if shown
        else note("Every cell is suppressed."),
    )

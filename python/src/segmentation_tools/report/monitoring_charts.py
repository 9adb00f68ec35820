"""Charts of the refresh and fairness checks: each measure drawn against the limit the build checks it with.

Like :mod:`segmentation_tools.report.charts`, pure functions from the marts' rows to matplotlib figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from segmentation_tools.report.charts import DPI

FLAGGED = "#c0392b"
BY_DESIGN = "#e69f00"
WITHIN = "#7f8c8d"
BAND = "#2e8b57"

# segment_drift measure -> (panel title, flag column, limit var); the measure's absolute value is drawn.
DRIFT_PANELS = (
    ("persona_change_share", "Members who changed persona", "persona_change_flagged", "drift_max_persona_change_share"),
    ("centroid_shift", "Centroid shift (z-scores)", "centroid_shift_flagged", "drift_max_centroid_shift"),
    (
        "member_share_change",
        "Change in share of members",
        "member_share_change_flagged",
        "drift_max_member_share_change",
    ),
    (
        "persona_profile_distance",
        "Distance from persona profile (z-scores)",
        "persona_fit_flagged",
        "persona_match_max_distance",
    ),
)
# Ratios below this (a group nearly without the outcome) are drawn at it, so the log scale has a bottom.
RATIO_FLOOR = 0.01
SHARE_MEASURES = frozenset({"persona_change_share", "member_share_change"})


def drift_figure(drift: pd.DataFrame, thresholds: dict[str, float]) -> Figure:
    """One panel per drift check: a bar per segment (red when the build flagged it) and the check's limit as a
    dashed line; a measure with nothing to compare (a first run) is labelled so instead of drawn."""
    ordered = drift.sort_values("segment_id", ascending=False)
    labels = [
        f"{segment}. {persona}" for segment, persona in zip(ordered["segment_id"], ordered["persona"], strict=True)
    ]
    figure = Figure(figsize=(15, 0.55 * len(ordered) + 1.8), dpi=DPI, layout="constrained")
    panels = figure.subplots(1, len(DRIFT_PANELS), sharey=True)
    for axes, (measure, title, flag, limit_var) in zip(panels, DRIFT_PANELS, strict=True):
        values = pd.to_numeric(ordered[measure], errors="coerce").abs().to_numpy(dtype=float)
        flagged = ordered[flag].fillna(False).astype(bool).to_numpy()
        limit = thresholds.get(limit_var)
        axes.barh(labels, np.nan_to_num(values), color=[FLAGGED if f else WITHIN for f in flagged])
        top = max(np.nanmax(values, initial=0.0), limit or 0.0) * 1.35 or 1.0
        axes.set_xlim(0, top)
        for position, value in enumerate(values):
            text = "no previous run" if np.isnan(value) else _measure_text(measure, value)
            axes.text((0 if np.isnan(value) else value) + top * 0.02, position, text, va="center", fontsize=9)
        if limit is not None:
            axes.axvline(limit, color=FLAGGED, linestyle="--", linewidth=1.2)
            axes.text(limit, len(labels) - 0.45, f" limit {_measure_text(measure, limit)}", color=FLAGGED, fontsize=9)
        if measure in SHARE_MEASURES:
            unit = " pp" if measure == "member_share_change" else "%"
            axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _, unit=unit: f"{x * 100:g}{unit}"))
        axes.set_title(title, fontsize=11)
        axes.spines[["top", "right"]].set_visible(False)
    return with_flag_legend(figure, flagged="over its limit", within="within its limit")


def with_flag_legend(figure: Figure, flagged: str, within: str) -> Figure:
    """The figure with the two-colour legend under it that says what a flagged and an unflagged mark mean."""
    figure.legend(
        handles=[Patch(color=FLAGGED, label=flagged), Patch(color=WITHIN, label=within)],
        loc="outside lower center",
        ncols=2,
    )
    return figure


def _measure_text(measure: str, value: float) -> str:
    return (
        f"{value * 100:.1f} pp"
        if measure == "member_share_change"
        else (f"{value:.1%}" if measure in SHARE_MEASURES else f"{value:.2f}")
    )


def fairness_figure(fairness: pd.DataFrame, ratio_min: float, ratio_max: float) -> Figure:
    """Every shown (not suppressed) fairness cell's rate ratio with its 95% interval, one panel per attribute,
    a row per persona or action, on a log scale around 1 with the accepted band shaded: red cells are flagged,
    orange ones flagged by design (the attribute derives from a clustering feature)."""
    shown = fairness[~fairness["suppressed"].fillna(True).astype(bool)].copy()
    shown["label"] = (
        shown["outcome_type"].map({"persona": "persona", "recommended_action": "action"}).fillna(shown["outcome_type"])
        + ": "
        + shown["outcome"].astype(str)
    )
    outcomes = sorted(shown["label"].unique(), key=lambda label: (not label.startswith("persona"), label))
    attributes = sorted(shown["attribute"].unique())
    row_of = {label: position for position, label in enumerate(reversed(outcomes))}
    figure = Figure(figsize=(15, 0.42 * len(outcomes) + 2.2), dpi=DPI, layout="constrained")
    panels = np.atleast_1d(figure.subplots(1, max(len(attributes), 1), sharey=True))
    for column in ("rate_ratio", "rate_ratio_lower", "rate_ratio_upper"):
        shown[column] = shown[column].astype(float).clip(lower=RATIO_FLOOR)
    low = min(float(shown["rate_ratio_lower"].min()), ratio_min) * 0.85
    high = max(float(shown["rate_ratio_upper"].max()), ratio_max) * 1.15
    for axes, attribute in zip(panels, attributes, strict=False):
        cells = shown[shown["attribute"] == attribute]
        axes.axvspan(ratio_min, ratio_max, color=BAND, alpha=0.15, linewidth=0)
        axes.axvline(1.0, color=BAND, linewidth=0.8)
        flagged = cells["flagged"].fillna(False).astype(bool)
        colors = np.where(flagged & cells["by_design"].astype(bool), BY_DESIGN, np.where(flagged, FLAGGED, WITHIN))
        rows = cells["label"].map(row_of).to_numpy(dtype=float)
        axes.errorbar(
            cells["rate_ratio"],
            rows,
            xerr=[cells["rate_ratio"] - cells["rate_ratio_lower"], cells["rate_ratio_upper"] - cells["rate_ratio"]],
            fmt="none",
            ecolor="#bbbbbb",
            elinewidth=0.8,
        )
        axes.scatter(cells["rate_ratio"], rows, c=list(colors), s=18, zorder=3)
        axes.set_xscale("log")
        axes.set_xlim(low, high)
        axes.set_title(attribute.replace("_", " "), fontsize=11)
        axes.set_yticks(range(len(outcomes)), list(reversed(outcomes)))
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_xlabel(f"rate ratio (log scale, from {RATIO_FLOOR:g})")
    figure.legend(
        handles=[
            Patch(color=BAND, alpha=0.3, label=f"accepted band {ratio_min:g}-{ratio_max:g}"),
            Patch(color=FLAGGED, label="flagged"),
            Patch(color=BY_DESIGN, label="flagged, by design"),
            Patch(color=WITHIN, label="not flagged"),
        ],
        loc="outside lower center",
        ncols=4,
    )
    return figure


def lift_figure(lift: pd.DataFrame) -> Figure:
    """Every shown (not suppressed) outreach_lift cell's lift in percentage points with its 95% interval, a row
    per cohort, persona and outcome, against 0 (no effect): red cells are significant."""
    shown = lift[lift["lift"].notna()].sort_values(["cohort_as_of_date", "persona"], ascending=[False, True])
    labels = [
        f"{persona}: {metric.replace('_', ' ')} (cohort {pd.Timestamp(cohort).date()})"
        for persona, metric, cohort in zip(
            shown["persona"], shown["outcome_metric"], shown["cohort_as_of_date"], strict=True
        )
    ]
    rows = np.arange(len(labels))[::-1].astype(float)
    points = shown["lift"].to_numpy(dtype=float) * 100
    low = shown["lift_ci_low"].to_numpy(dtype=float) * 100
    high = shown["lift_ci_high"].to_numpy(dtype=float) * 100
    significant = shown["is_significant"].fillna(False).astype(bool).to_numpy()
    figure = Figure(figsize=(11, 0.45 * len(labels) + 1.8), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    axes.axvline(0.0, color=BAND, linewidth=0.8)
    axes.errorbar(points, rows, xerr=[points - low, high - points], fmt="none", ecolor="#bbbbbb", elinewidth=1.2)
    axes.scatter(points, rows, c=list(np.where(significant, FLAGGED, WITHIN)), s=24, zorder=3)
    axes.set_yticks(rows, labels)
    axes.set_xlabel("lift: outreach group rate - holdout rate (percentage points, 95% interval)")
    axes.spines[["top", "right"]].set_visible(False)
    return with_flag_legend(figure, flagged="interval excludes 0", within="interval covers 0")

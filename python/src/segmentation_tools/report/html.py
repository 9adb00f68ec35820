"""Assemble the report page: one HTML string with inline CSS and the charts embedded as PNG data URIs.

No script, font or stylesheet is fetched, so the file opens from disk, offline, in any browser, and can be
attached to an email as it is. The page opens with a one-screen summary; every section below is a chart or a
formatted table (human headings, rounded numbers, a dash for a missing value) holding all its rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation_tools.report.charts import (
    centroid_heatmap_figure,
    feature_distributions_figure,
    persona_colors,
    png_data_uri,
    project_members,
    projection_figure,
    segment_features,
    segment_sizes_figure,
)
from segmentation_tools.report.sections import (
    drift_section,
    fairness_section,
    image,
    lift_section,
    migrations_section,
    placeholder_section,
    section,
    summary_section,
)
from segmentation_tools.report.tables import Column, format_cell, html_table, human_label
from segmentation_tools.report.warehouse import LAST_BUILDS, ReportData

SIZE_TABLE_ID = "segment-sizes"
MEANS_TABLE_ID = "segment-means"
RUN_TABLE_ID = "run-settings"
# segment_profiles column -> (heading, format) of the size table.
SIZE_COLUMNS = {
    "segment_id": ("Segment", "count"),
    "persona": ("Persona", "text"),
    "member_count": ("Members", "count"),
    "member_share": ("Share", "share"),
    "mean_distance_to_centroid": ("Spread (mean distance to centroid)", "decimal"),
    "persona_profile_distance": ("Distance from persona profile", "decimal"),
}
MEANS_FEATURE_HEADING = "Feature (mean per member)"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto; max-width: 1200px;
       padding: 0 1rem; color: #222; }
h1 { margin-bottom: 0.2rem; }
h3 { margin: 0.4rem 0; font-size: 1rem; }
section { margin: 2.5rem 0; }
p.note { color: #555; }
img { max-width: 100%; height: auto; display: block; margin: 1rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.8rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.6rem; }
th { background: #f4f4f4; vertical-align: bottom; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.text { text-align: left; }
table.compact { font-size: 0.85rem; margin: 0.3rem 0; }
table.compact td, table.compact th { padding: 0.2rem 0.45rem; }
tr.flagged td { background: #fdecea; }
table.matrix td:first-child { font-weight: 600; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 0.8rem; }
.card.wide { grid-column: span 2; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 0.8rem; overflow-x: auto; }
.verdict { padding: 0.6rem 0.9rem; border-radius: 6px; margin: 0.6rem 0 0.9rem; }
.verdict.ok { background: #e8f5e9; border-left: 6px solid #2e7d32; }
.verdict.alert { background: #fdecea; border-left: 6px solid #c0392b; }
.verdict.neutral { background: #f1f3f5; border-left: 6px solid #7f8c8d; }
"""


def size_table(profiles: pd.DataFrame) -> str:
    """Size and fit of each segment, from segment_profiles, under human headings."""
    columns = [Column(name, label, kind) for name, (label, kind) in SIZE_COLUMNS.items()]
    return html_table(profiles, columns, SIZE_TABLE_ID)


def means_table(profiles: pd.DataFrame) -> str:
    """Each segment's mean of every feature in the feature's own units (segment_profiles): a row per feature,
    a column per persona, so segments compare side by side."""
    means = [column for column in profiles.columns if column.startswith("mean_") and column not in SIZE_COLUMNS]
    table = profiles.set_index("persona").loc[:, means].T
    table.index = [human_label(column.removeprefix("mean_")) for column in table.index]
    table = table.rename_axis(MEANS_FEATURE_HEADING).reset_index()
    columns = [Column(MEANS_FEATURE_HEADING, MEANS_FEATURE_HEADING)] + [
        Column(persona, persona, "decimal") for persona in table.columns[1:]
    ]
    return html_table(table, columns, MEANS_TABLE_ID)


def _build_warnings_section(warnings: pd.DataFrame | None) -> str:
    title = f"Warnings in the last {LAST_BUILDS} builds"
    explanation = (
        "The tests that warned or failed, and the nodes that errored, in the warehouse's last builds "
        "(build_results_history, which keeps every build's outcome node by node)."
    )
    no_rows = "No warnings, failures or errors in these builds."
    if placeholder := placeholder_section(title, explanation, warnings, "build_results_history", no_rows):
        return placeholder
    columns = [
        Column("run_started_at", "Build started", "text"),
        Column("as_of_date", "As of", "date"),
        Column("node_name", "Test or model"),
        Column("status", "Status"),
        Column("failures", "Rows failing", "count"),
        Column("message", "Message"),
    ]
    return section(title, explanation, html_table(warnings, columns, "build_warnings"))


def _run_table(runs: pd.DataFrame, as_of_date: str) -> str:
    run = runs.assign(as_of_date=as_of_date).iloc[0]
    rows = pd.DataFrame(
        {
            "setting": [human_label(name) for name in run.index],
            "value": [_setting_text(value) for value in run.to_numpy()],
        }
    )
    return html_table(rows, [Column("setting", "Setting"), Column("value", "Value")], RUN_TABLE_ID)


def _setting_text(value: object) -> str:
    if isinstance(value, float | np.floating):
        return format_cell(value, "decimal")
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(item) for item in list(value))
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return format_cell(value, "count")
    return format_cell(value, "text")


def render_report(data: ReportData) -> str:
    """The whole report page for one as-of date."""
    colors = persona_colors(data.profiles)
    features = segment_features(data.centroids)
    members, centroid_points = project_members(data.member_sample, data.centroids)
    as_of_date = pd.Timestamp(data.runs["as_of_date"].iloc[0]).date().isoformat()
    total = int(data.profiles["member_count"].sum())
    sample = len(data.member_sample)
    sections = [
        summary_section(data),
        section(
            "Segment sizes",
            "Members with coverage on the as-of date in each segment (segment_profiles). The spread is the "
            "segment's mean distance of members to its centroid; the distance from the persona profile is the "
            "root-mean-square gap, in z-scores, between the segment's centroid and its persona's declared profile: "
            "small means the segment looks like its persona.",
            image(png_data_uri(segment_sizes_figure(data.profiles, colors)), "Members per segment"),
            size_table(data.profiles),
        ),
        section(
            "Feature means per segment",
            "The mean of every feature over the segment's members, in the features' own units (segment_profiles).",
            means_table(data.profiles),
        ),
        section(
            "Segment profiles in z-scores",
            "Each segment's centroid per feature in standard deviations from the population mean, on the scale "
            "k-means clustered on (each feature clipped and transformed first, as the run's segment_centroids say). "
            "Red is above average, blue below.",
            image(png_data_uri(centroid_heatmap_figure(data.centroids, data.profiles)), "Centroid heatmap"),
        ),
        section(
            "Feature distributions per persona",
            f"Quartiles and whiskers (1.5 times the interquartile range) of every feature in each persona, over "
            f"a sample of {sample:,} of the {total:,} members, in the features' own units.",
            image(
                png_data_uri(feature_distributions_figure(data.member_sample, features, colors)),
                "Feature distributions per persona",
            ),
        ),
        section(
            "Members in two dimensions",
            f"The same {sample:,} sampled members on the first two principal components of their scaled features, "
            "coloured by persona; crosses mark the segment centroids. Overlap here can still be separation in "
            "the other dimensions.",
            image(png_data_uri(projection_figure(members, centroid_points, data.profiles, colors)), "PCA projection"),
        ),
        migrations_section(data.optional_tables.get("segment_migrations")),
        drift_section(data.optional_tables.get("segment_drift"), data.thresholds),
        fairness_section(data.optional_tables.get("segment_fairness"), data.thresholds),
        lift_section(data.optional_tables.get("outreach_lift")),
        _build_warnings_section(data.build_warnings),
        section(
            "About this run",
            "The settings and library versions of the segmentation run (segmentation_run; "
            "segmentation_run_history keeps every as-of date's).",
            _run_table(data.runs, as_of_date),
        ),
    ]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Member segments as of {as_of_date}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>Member segments as of {as_of_date}</h1>
<p class="note">{total:,} members with coverage on {as_of_date}, in {len(data.profiles)} segments.</p>
{"".join(sections)}
</body>
</html>
"""

"""Assemble the report page: one HTML string with inline CSS and the charts embedded as PNG data URIs.

No script, font or stylesheet is fetched, so the file opens from disk, offline, in any browser, and can be
attached to an email as it is.
"""

from __future__ import annotations

from html import escape

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
from segmentation_tools.report.warehouse import LAST_BUILDS, OPTIONAL_TABLE_ROW_LIMIT, ReportData

SIZE_TABLE_ID = "segment-sizes"
MEANS_TABLE_ID = "segment-means"
SIZE_COLUMNS = (
    "segment_id",
    "persona",
    "member_count",
    "member_share",
    "mean_distance_to_centroid",
    "persona_profile_distance",
)

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px;
       padding: 0 1rem; color: #222; }
h1 { margin-bottom: 0.2rem; }
section { margin: 2.5rem 0; }
p.note { color: #555; }
img { max-width: 100%; height: auto; display: block; margin: 1rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: right; }
th { background: #f4f4f4; }
#segment-sizes :is(td, th):nth-child(2), #segment-means :is(td, th):first-child {
    text-align: left; white-space: nowrap; }
"""


def size_table(profiles: pd.DataFrame) -> str:
    """Size and fit of each segment, from segment_profiles, under the mart's column names."""
    return profiles.loc[:, list(SIZE_COLUMNS)].to_html(
        index=False,
        table_id=SIZE_TABLE_ID,
        border=0,
        formatters={"member_count": "{:,}".format, "member_share": "{:.1%}".format},
        float_format="{:.3f}".format,
    )


def means_table(profiles: pd.DataFrame) -> str:
    """Each segment's mean of every feature in the feature's own units (segment_profiles): a row per mart column,
    a column per persona, so segments compare side by side."""
    means = [column for column in profiles.columns if column.startswith("mean_") and column not in SIZE_COLUMNS]
    table = profiles.set_index("persona").loc[:, means].T.rename_axis(index="segment_profiles column", columns=None)
    return table.reset_index().to_html(index=False, table_id=MEANS_TABLE_ID, border=0, float_format="{:,.2f}".format)


def _image(figure_uri: str, alt: str) -> str:
    return f'<img src="{figure_uri}" alt="{escape(alt)}">'


def _section(title: str, explanation: str, *body: str) -> str:
    return f"<section><h2>{escape(title)}</h2><p>{escape(explanation)}</p>{''.join(body)}</section>"


def _optional_section(
    title: str, table: pd.DataFrame | None, table_name: str, absent_note: str, empty_note: str = ""
) -> str:
    """A mart the warehouse may not have: its rows of the as-of date when there are some, else a note saying
    what would appear."""
    if table is None:
        return _section(title, absent_note, f'<p class="note">No {escape(table_name)} table in this warehouse.</p>')
    if table.empty:
        note = f"No {table_name} rows for this as-of date. {empty_note}"
        return _section(title, absent_note, f'<p class="note">{escape(note.strip())}</p>')
    shown = (
        f"The first {OPTIONAL_TABLE_ROW_LIMIT} rows of {table_name}." if len(table) == OPTIONAL_TABLE_ROW_LIMIT else ""
    )
    return _section(title, f"From {table_name}. {shown}", table.to_html(index=False, border=0, table_id=table_name))


def _build_warnings_section(warnings: pd.DataFrame | None) -> str:
    title = f"Warnings in the last {LAST_BUILDS} builds"
    explanation = (
        "The tests that warned or failed, and the nodes that errored, in the warehouse's last builds "
        "(build_results_history, which keeps every build's outcome node by node)."
    )
    if warnings is None:
        return _section(title, explanation, '<p class="note">No build_results_history table in this warehouse.</p>')
    if warnings.empty:
        return _section(title, explanation, '<p class="note">No warnings, failures or errors in these builds.</p>')
    return _section(title, explanation, warnings.to_html(index=False, border=0, table_id="build_warnings"))


def _run_table(runs: pd.DataFrame, as_of_date: str) -> str:
    run = runs.assign(as_of_date=as_of_date).iloc[0].rename("value").rename_axis("setting").reset_index()
    return run.to_html(index=False, border=0)


def render_report(data: ReportData) -> str:
    """The whole report page for one as-of date."""
    colors = persona_colors(data.profiles)
    features = segment_features(data.centroids)
    members, centroid_points = project_members(data.member_sample, data.centroids)
    as_of_date = pd.Timestamp(data.runs["as_of_date"].iloc[0]).date().isoformat()
    total = int(data.profiles["member_count"].sum())
    sample = len(data.member_sample)
    sections = [
        _section(
            "Segment sizes",
            "Members with coverage on the as-of date in each segment (segment_profiles). "
            "mean_distance_to_centroid is the segment's spread; persona_profile_distance is the root-mean-square "
            "gap, in z-scores, between the segment's centroid and its persona's declared profile: small means the "
            "segment looks like its persona.",
            _image(png_data_uri(segment_sizes_figure(data.profiles, colors)), "Members per segment"),
            size_table(data.profiles),
        ),
        _section(
            "Feature means per segment",
            "The mean of every feature over the segment's members, in the features' own units (segment_profiles).",
            means_table(data.profiles),
        ),
        _section(
            "Segment profiles in z-scores",
            "Each segment's centroid per feature in standard deviations from the population mean, on the scale "
            "k-means clustered on (each feature clipped and transformed first, as the run's segment_centroids say). "
            "Red is above average, blue below.",
            _image(png_data_uri(centroid_heatmap_figure(data.centroids, data.profiles)), "Centroid heatmap"),
        ),
        _section(
            "Feature distributions per persona",
            f"Quartiles and whiskers (1.5 times the interquartile range) of every feature in each persona, over "
            f"a sample of {sample:,} of the {total:,} members, in the features' own units.",
            _image(
                png_data_uri(feature_distributions_figure(data.member_sample, features, colors)),
                "Feature distributions per persona",
            ),
        ),
        _section(
            "Members in two dimensions",
            f"The same {sample:,} sampled members on the first two principal components of their scaled features, "
            "coloured by persona; crosses mark the segment centroids. Overlap here can still be separation in "
            "the other dimensions.",
            _image(png_data_uri(projection_figure(members, centroid_points, data.profiles, colors)), "PCA projection"),
        ),
        _optional_section(
            "Migrations since the previous run",
            data.optional_tables["segment_migrations"],
            "segment_migrations",
            "How members moved between personas since the previous as-of date in this warehouse: stayed, moved, "
            "entered (newly covered) or left (coverage ended).",
            "This is the first run of the question in this warehouse.",
        ),
        _optional_section(
            "Drift since the previous run",
            data.optional_tables["segment_drift"],
            "segment_drift",
            "Per segment: change in size and share, the share of continuing members who changed persona, how far "
            "the centroid moved and how far it lies from its persona's profile; a flag marks each check that "
            "exceeds its limit, for a person to review before outreach goes out.",
        ),
        _optional_section(
            "Fairness review",
            data.optional_tables["segment_fairness"],
            "segment_fairness",
            "How segments and recommended actions are distributed across member groups, once the build produces "
            "the fairness review.",
        ),
        _build_warnings_section(data.build_warnings),
        _section(
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

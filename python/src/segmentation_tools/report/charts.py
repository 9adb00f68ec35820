"""The report's charts: pure functions from the marts' DataFrames to matplotlib figures, and figures to PNG.

Figures are built with :class:`matplotlib.figure.Figure` directly, not pyplot, so no global state or GUI
backend is involved and every call is independent.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from member_segmentation.pipeline import scaled_member_features
from sklearn.decomposition import PCA

DPI = 100


def persona_colors(profiles: pd.DataFrame) -> dict[str, str]:
    """One colour per persona in segment_id order, so a persona looks the same in every chart and every run."""
    palette = colormaps["tab10"].colors
    ordered = profiles.sort_values("segment_id")["persona"]
    return {persona: _hex(palette[position % len(palette)]) for position, persona in enumerate(ordered)}


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(channel * 255) for channel in rgb))


def segment_features(centroids: pd.DataFrame) -> list[str]:
    """The clustering features in centroid order (var segmentation_features of the run)."""
    return centroids.sort_values("feature_position")["feature"].drop_duplicates().tolist()


def segment_sizes_figure(profiles: pd.DataFrame, colors: dict[str, str]) -> Figure:
    """Members per segment as horizontal bars labelled with count and share."""
    ordered = profiles.sort_values("segment_id", ascending=False)
    figure = Figure(figsize=(9, 0.6 * len(ordered) + 1.2), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    bars = axes.barh(ordered["persona"], ordered["member_count"], color=[colors[p] for p in ordered["persona"]])
    axes.bar_label(
        bars,
        labels=[
            f"{count:,} ({share:.1%})"
            for count, share in zip(ordered["member_count"], ordered["member_share"], strict=True)
        ],
        padding=4,
    )
    axes.set_xlabel("members")
    axes.set_xlim(0, ordered["member_count"].max() * 1.25)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def centroid_heatmap_figure(centroids: pd.DataFrame, profiles: pd.DataFrame) -> Figure:
    """Segment centroids in z-scores (segment x feature), on a diverging scale centred on the population mean."""
    features = segment_features(centroids)
    personas = profiles.set_index("segment_id")["persona"]
    matrix = centroids.pivot(index="segment_id", columns="feature", values="centroid_scaled").loc[:, features]
    limit = max(float(np.abs(matrix.to_numpy()).max()), 1.0)
    figure = Figure(figsize=(10, 0.7 * len(matrix) + 1.8), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(matrix.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    axes.set_xticks(range(len(features)), features, rotation=30, ha="right")
    axes.set_yticks(range(len(matrix)), personas.loc[matrix.index])
    for (row, column), value in np.ndenumerate(matrix.to_numpy()):
        axes.text(
            column, row, f"{value:+.2f}", ha="center", va="center", color="white" if abs(value) > limit / 2 else "black"
        )
    figure.colorbar(image, ax=axes, label="centroid, z-score (0 = population mean)")
    return figure


def feature_distributions_figure(member_sample: pd.DataFrame, features: list[str], colors: dict[str, str]) -> Figure:
    """One panel per feature: a box per persona (quartiles, whiskers at 1.5 IQR, outliers left out for legibility)."""
    personas = list(colors)
    columns = 4
    rows = -(-len(features) // columns)
    figure = Figure(figsize=(4 * columns, 3.4 * rows), dpi=DPI, layout="constrained")
    panels = figure.subplots(rows, columns, squeeze=False).ravel()
    for axes, feature in zip(panels, features, strict=False):
        values = [member_sample.loc[member_sample["persona"] == persona, feature].to_numpy() for persona in personas]
        boxes = axes.boxplot(values, patch_artist=True, showfliers=False, medianprops={"color": "black"})
        for box, persona in zip(boxes["boxes"], personas, strict=True):
            box.set_facecolor(colors[persona])
        axes.set_title(feature)
        axes.set_xticks(range(1, len(personas) + 1), [_initials(persona) for persona in personas])
        axes.spines[["top", "right"]].set_visible(False)
    for axes in panels[len(features) :]:
        axes.set_visible(False)
    figure.legend(
        handles=[boxes["boxes"][position] for position in range(len(personas))],
        labels=[f"{_initials(persona)}: {persona}" for persona in personas],
        loc="outside lower center",
        ncols=len(personas),
    )
    return figure


def _initials(persona: str) -> str:
    return "".join(word[0] for word in persona.split())


def project_members(member_sample: pd.DataFrame, centroids: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample and the centroids on the first two principal components of the sample's scaled features.

    Members are scaled exactly as the segmentation scaled them (its clip bounds, transform and scaler), so the
    picture shows the space k-means clustered in. Returns (members: pc1, pc2, persona; centroids: pc1, pc2,
    segment_id), each frame's ``attrs["explained_variance"]`` holding the two components' variance shares.
    """
    scaled = scaled_member_features(member_sample, centroids)
    pca = PCA(n_components=2, random_state=0).fit(scaled)
    members = pd.DataFrame(pca.transform(scaled), columns=["pc1", "pc2"]).assign(
        persona=member_sample["persona"].to_numpy()
    )
    centroid_matrix = centroids.pivot(index="segment_id", columns="feature_position", values="centroid_scaled")
    centroid_points = pd.DataFrame(pca.transform(centroid_matrix.to_numpy()), columns=["pc1", "pc2"]).assign(
        segment_id=centroid_matrix.index.to_numpy()
    )
    for frame in (members, centroid_points):
        frame.attrs["explained_variance"] = tuple(pca.explained_variance_ratio_)
    return members, centroid_points


def projection_figure(
    members: pd.DataFrame, centroid_points: pd.DataFrame, profiles: pd.DataFrame, colors: dict[str, str]
) -> Figure:
    """Sampled members on two principal components, coloured by persona, each segment's centroid marked."""
    first, second = members.attrs["explained_variance"]
    personas = profiles.set_index("segment_id")["persona"]
    figure = Figure(figsize=(9, 7), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    for persona, color in colors.items():
        points = members[members["persona"] == persona]
        axes.scatter(points["pc1"], points["pc2"], s=4, alpha=0.35, color=color, linewidths=0)
    axes.scatter(
        centroid_points["pc1"],
        centroid_points["pc2"],
        s=220,
        marker="X",
        color=[colors[personas[segment]] for segment in centroid_points["segment_id"]],
        edgecolors="black",
        linewidths=1.2,
    )
    axes.set_xlabel(f"principal component 1 ({first:.0%} of variance)")
    axes.set_ylabel(f"principal component 2 ({second:.0%} of variance)")
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=7, color=color, label=persona)
        for persona, color in colors.items()
    ]
    handles.append(
        Line2D(
            [], [], marker="X", linestyle="", markersize=11, color="white", markeredgecolor="black", label="centroid"
        )
    )
    axes.legend(handles=handles, loc="best")
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def png_data_uri(figure: Figure) -> str:
    """The figure as a PNG data URI, so the HTML file needs nothing beside it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

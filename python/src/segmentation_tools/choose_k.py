"""Evidence for choosing the number of segments: inertia, silhouette and bootstrap stability for k = 2..8.

k is a business decision informed by the data, so the pipeline never re-picks it on its own: this module only
measures and recommends, and an analyst sets the question's ``n_segments`` (or var ``n_segments``).

- Inertia (k-means' objective) always falls as k grows; what matters is where it stops falling fast. The
  elbow strength of k is the fall from k-1 to k clusters divided by the fall from k to k+1: large when the k-th
  cluster separates real structure and the next one only splits a group. It is not defined for k = 2: the
  fall from one group to two is the largest on most populations and says little about segments.
- Silhouette (on a seeded sample, since it is quadratic in members) says how well separated the clusters
  are. It is reported, not used to choose: on the demo plan it is highest at k = 2 for both questions,
  because the young, rarely active members are far from everyone else.
- Bootstrap stability says whether the clusters are reproducible: k-means is refitted on seeded resamples,
  its clusters are matched one-to-one to the reference clusters (Hungarian algorithm on the Jaccard
  similarity of their members) and the matched similarities are averaged.

The recommendation is the stable k (mean matched Jaccard at or above ``STABLE_JACCARD``, the level above which
Hennig's clusterboot calls clusters stable) with the strongest elbow, if that elbow reaches ``MIN_ELBOW``;
otherwise the data show no structure beyond the smallest stable k, which is recommended.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import matplotlib as mpl

mpl.use("Agg")  # files only: no display on CI or servers
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml
from member_segmentation.clustering import assign_to_nearest, fit_centroids
from member_segmentation.diagnostics import inertia
from member_segmentation.preprocessing import feature_matrix, fit_scaling, scale
from member_segmentation.settings import SegmentationSettings, settings_from_config
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import silhouette_score

from segmentation_tools import create_files_owner_only

CANDIDATE_KS: tuple[int, ...] = tuple(range(2, 9))
STABLE_JACCARD = 0.85
# Below this the k-th cluster cuts inertia hardly more than the next one would. On the 100,000-member demo plan
# the k that only split planted personas (k >= 6) score 1.0-1.5, while the planted k = 4 scores 2.6
# (consumer_engagement) and 1.9 (high_utilizers), and 6.9 on the well-separated planted data of the tests.
MIN_ELBOW = 1.5


@dataclass(frozen=True)
class KSearchSettings:
    """How hard to look: members evaluated, silhouette sample, bootstrap resamples, k-means restarts, seed."""

    sample_size: int = 20_000
    silhouette_sample_size: int = 5_000
    n_resamples: int = 10
    n_init: int = 10
    random_state: int = 42
    n_threads: int = 1


def matched_jaccard(reference: np.ndarray, other: np.ndarray, k: int) -> float:
    """Mean Jaccard similarity of the reference clusters with the clusters of ``other`` they are matched to
    one-to-one (labels are arbitrary, so clusters are paired by the matching that maximises total overlap)."""
    jaccard = np.zeros((k, k))
    for i in range(k):
        in_reference = reference == i
        for j in range(k):
            in_other = other == j
            union = np.count_nonzero(in_reference | in_other)
            jaccard[i, j] = np.count_nonzero(in_reference & in_other) / union if union else 0.0
    rows, columns = linear_sum_assignment(jaccard, maximize=True)
    return float(jaccard[rows, columns].mean())


def bootstrap_stability(scaled: np.ndarray, reference: np.ndarray, k: int, settings: KSearchSettings) -> float:
    """Mean matched Jaccard between the reference clustering and k-means refitted on seeded resamples (drawn
    with replacement); every member is assigned to each refit's centroids, so all clusterings cover the same
    members."""
    rng = np.random.default_rng(settings.random_state)
    similarities = []
    for _ in range(settings.n_resamples):
        resample = rng.choice(len(scaled), size=len(scaled), replace=True)
        centroids = fit_centroids(
            scaled[resample],
            n_clusters=k,
            random_state=int(rng.integers(2**31)),
            n_init=settings.n_init,
            n_threads=settings.n_threads,
        )
        labels, _ = assign_to_nearest(scaled, centroids)
        similarities.append(matched_jaccard(reference, labels, k))
    return float(np.mean(similarities))


def kmeans_assignment(scaled: np.ndarray, k: int, settings: KSearchSettings) -> tuple[np.ndarray, np.ndarray]:
    """Cluster of every row and its distance to the centroid, for k-means fitted as the pipeline fits it."""
    centroids = fit_centroids(
        scaled, n_clusters=k, random_state=settings.random_state, n_init=settings.n_init, n_threads=settings.n_threads
    )
    return assign_to_nearest(scaled, centroids)


def evaluate_k(scaled: np.ndarray, k: int, settings: KSearchSettings) -> dict[str, float | int]:
    """Inertia, silhouette (seeded sample) and bootstrap stability of k-means with k clusters."""
    labels, distances = kmeans_assignment(scaled, k, settings)
    silhouette = silhouette_score(
        scaled,
        labels,
        sample_size=min(settings.silhouette_sample_size, len(scaled)),
        random_state=settings.random_state,
    )
    return {
        "k": k,
        "inertia": inertia(distances),
        "silhouette": float(silhouette),
        "stability": bootstrap_stability(scaled, labels, k, settings),
        "smallest_segment_share": float(np.bincount(labels, minlength=k).min() / len(labels)),
    }


def elbow_strength(inertia: pd.Series) -> pd.Series:
    """Per k (the index, consecutive): (inertia[k-1] - inertia[k]) / (inertia[k] - inertia[k+1]); NaN at the ends."""
    gain_to_here = inertia.shift(1) - inertia
    gain_to_next = inertia - inertia.shift(-1)
    return gain_to_here / gain_to_next.where(gain_to_next > 0)


def evaluate_ks(scaled: np.ndarray, settings: KSearchSettings, ks: Sequence[int] = CANDIDATE_KS) -> pd.DataFrame:
    """One row of evidence per candidate k (consecutive), on a seeded sample of the members (rows of ``scaled``)."""
    if len(scaled) > settings.sample_size:
        rows = np.sort(np.random.default_rng(settings.random_state).choice(len(scaled), settings.sample_size, False))
        scaled = scaled[rows]
    evidence = pd.DataFrame([evaluate_k(scaled, k, settings) for k in ks]).set_index("k", drop=False)
    # The largest candidate's elbow needs the inertia one k further.
    beyond = max(ks) + 1
    inertias = pd.concat(
        [evidence["inertia"], pd.Series({beyond: inertia(kmeans_assignment(scaled, beyond, settings)[1])})]
    )
    evidence["elbow_strength"] = elbow_strength(inertias).reindex(evidence.index)
    evidence["members_evaluated"] = len(scaled)
    return evidence.reset_index(drop=True)


def recommend_k(evidence: pd.DataFrame) -> tuple[int, str]:
    """The recommended k and the reasons, in words an analyst can check against the table and the chart."""
    stable = evidence[evidence["stability"] >= STABLE_JACCARD]
    unstable = [str(int(value)) for value in evidence.loc[evidence["stability"] < STABLE_JACCARD, "k"]]
    caveat = [f"unstable (bootstrap Jaccard < {STABLE_JACCARD}): k={', '.join(unstable)}"] if unstable else []
    if stable.empty:
        best = evidence.loc[evidence["stability"].idxmax()]
        return int(best["k"]), (
            f"no k is stable (bootstrap Jaccard >= {STABLE_JACCARD}); k={int(best['k'])} is the most stable "
            f"({best['stability']:.2f}): treat its segments as tentative and revisit the features."
        )
    elbows = stable.dropna(subset=["elbow_strength"]).sort_values("elbow_strength", ascending=False)
    if elbows.empty or elbows["elbow_strength"].iloc[0] < MIN_ELBOW:
        best = stable.iloc[0]
        reasons = [
            f"no k beyond {int(best['k'])} has an elbow of at least {MIN_ELBOW} (each further cluster cuts "
            "inertia about as much as the next): the data show no structure beyond the smallest stable k",
            f"k={int(best['k'])} is reproducible (bootstrap Jaccard {best['stability']:.2f})",
        ]
        return int(best["k"]), "; ".join(reasons + caveat) + "."
    best = elbows.iloc[0]
    k = int(best["k"])
    reasons = [
        f"k={k} is the sharpest elbow among the stable k: going from {k - 1} to {k} clusters cuts inertia "
        f"{best['elbow_strength']:.1f} times as much as going on to {k + 1} (at least {MIN_ELBOW} needed)",
        f"its clusters are reproducible (bootstrap Jaccard {best['stability']:.2f} >= {STABLE_JACCARD})",
        f"silhouette {best['silhouette']:.2f}; smallest segment {best['smallest_segment_share']:.0%} of members",
    ]
    if len(elbows) > 1:
        reasons.append(f"next sharpest elbow k={int(elbows['k'].iloc[1])} ({elbows['elbow_strength'].iloc[1]:.1f})")
    return k, "; ".join(reasons + caveat) + "."


# --- command line: `make choose-k` ---------------------------------------------------------------------------

EVIDENCE_TABLE = "segment_count_evaluation"


def settings_from_project(project_file: Path, question: str | None) -> SegmentationSettings:
    """The question's features and k-means settings as dbt_project.yml's vars define them (no --vars overrides)."""
    project_vars = yaml.safe_load(project_file.read_text(encoding="utf-8"))["vars"]
    return settings_from_config(
        {
            "question": question or project_vars["segmentation_question"],
            "questions": project_vars["segmentation_questions"],
            "n_segments": None,
            **{name: project_vars[name] for name in ("kmeans_random_state", "kmeans_n_init", "kmeans_n_threads")},
        }
    )


def evidence_table(
    evidence: pd.DataFrame, question: str, as_of_date: date, recommended: int, reasons: str
) -> pd.DataFrame:
    """The evidence as the warehouse stores it: one row per question, as-of date and k."""
    return evidence.assign(
        segmentation_question=question,
        as_of_date=as_of_date,
        recommended=evidence["k"] == recommended,
        recommendation=reasons,
        evaluated_at=pd.Timestamp.now(tz="UTC").tz_localize(None),
    )[
        [
            "segmentation_question",
            "as_of_date",
            "k",
            *evidence.columns.drop("k"),
            "recommended",
            "recommendation",
            "evaluated_at",
        ]
    ]


def plot_evidence(evidence: pd.DataFrame, question: str, recommended: int, path: Path) -> None:
    """Four panels against k (inertia, elbow strength, silhouette, stability) with the recommended k marked."""
    figure, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
    panels = [
        ("inertia", "inertia (within-segment sum of squares)", None),
        ("elbow_strength", "elbow strength (fall to k / fall to k+1)", MIN_ELBOW),
        ("silhouette", "silhouette (sample)", None),
        ("stability", "bootstrap stability (matched Jaccard)", STABLE_JACCARD),
    ]
    for axis, (column, title, threshold) in zip(axes.ravel(), panels, strict=True):
        axis.plot(evidence["k"], evidence[column], marker="o")
        axis.axvline(recommended, color="tab:red", linestyle="--", label=f"recommended k={recommended}")
        if threshold is not None:
            axis.axhline(threshold, color="grey", linestyle=":", label=f"threshold {threshold}")
        axis.set_title(title)
        axis.set_xticks(evidence["k"])
        axis.legend(loc="best", fontsize="small")
    for axis in axes[-1]:
        axis.set_xlabel("k (segments)")
    figure.suptitle(f"Choosing k for segmentation question {question!r}")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation_tools.choose_k",
        description="Evidence for the number of segments (k = 2..8) of a segmentation question, from a built "
        f"warehouse's member_features; writes table {EVIDENCE_TABLE} and a PNG chart, and recommends a k.",
    )
    parser.add_argument("--warehouse", type=Path, default=Path("warehouse/member_segmentation.duckdb"))
    parser.add_argument("--question", help="a key of var segmentation_questions (default: var segmentation_question)")
    parser.add_argument("--project-file", type=Path, default=Path("dbt_project.yml"))
    parser.add_argument("--chart", type=Path, help="PNG path (default: beside the warehouse)")
    parser.add_argument("--sample-size", type=int, default=KSearchSettings.sample_size)
    args = parser.parse_args(argv)
    create_files_owner_only()

    settings = settings_from_project(args.project_file, args.question)
    with duckdb.connect(str(args.warehouse), read_only=True) as warehouse:
        members = warehouse.sql("select * from member_features order by member_id").df()
    matrix = feature_matrix(members, settings.features)
    scaled = scale(matrix, fit_scaling(matrix, settings.features, settings.feature_transforms))
    search = KSearchSettings(
        sample_size=args.sample_size, random_state=settings.random_state, n_threads=settings.n_threads
    )
    evidence = evaluate_ks(scaled, search)
    recommended, reasons = recommend_k(evidence)
    as_of_date = pd.Timestamp(members["as_of_date"].iloc[0]).date()
    table = evidence_table(evidence, settings.question, as_of_date, recommended, reasons)

    # The only write: after the build, into a table dbt does not manage; earlier rows of this question go.
    with duckdb.connect(str(args.warehouse)) as warehouse:
        warehouse.register("evidence", table)
        warehouse.execute(f"create table if not exists {EVIDENCE_TABLE} as select * from evidence limit 0")
        warehouse.execute(f"delete from {EVIDENCE_TABLE} where segmentation_question = ?", [settings.question])
        warehouse.execute(f"insert into {EVIDENCE_TABLE} by name select * from evidence")
    chart = args.chart or args.warehouse.with_name(f"{EVIDENCE_TABLE}_{settings.question}.png")
    plot_evidence(evidence, settings.question, recommended, chart)

    print(table.drop(columns=["recommendation", "evaluated_at"]).to_string(index=False))
    print(f"\nrecommended k for {settings.question}: {recommended}\n{reasons}\nchart: {chart}")
    print(
        f"The pipeline keeps the configured k ({settings.n_segments}); to adopt another, set the question's n_segments."
    )


if __name__ == "__main__":
    main()

"""k-means on the scaled feature matrix, and nearest-centroid assignment.

Fitting and assigning are separate steps: the fit yields centroids (plain data, persisted with the run), and
every member is then assigned to the nearest persisted centroid. The same assignment therefore works for a
fresh fit, for scoring with a previous run's centroids, and for members the fit never saw. A refresh can
warm-start the fit from the previous run's centroids, so clusters stay where they were unless the data moved
them.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits


def fit_centroids(
    scaled: np.ndarray,
    n_clusters: int,
    random_state: int,
    n_init: int,
    n_threads: int,
    *,
    init: np.ndarray | None = None,
) -> np.ndarray:
    """Centroids of k-means (Lloyd iterations) in scaled units, one row per cluster.

    Without init: k-means++ initialisation, the best of n_init runs. With init (n_clusters rows, e.g. the
    previous run's centroids): one run started there, so cluster i of the result is the one that grew from
    init[i].

    OpenMP threads are capped explicitly: k-means sums in a different order with a different thread count,
    and the same data must give the same centroids on every machine.
    """
    if init is not None and init.shape != (n_clusters, scaled.shape[1]):
        raise ValueError(f"init: expected {n_clusters} centroids of {scaled.shape[1]} features, got {init.shape}")
    kmeans = (
        KMeans(n_clusters=n_clusters, random_state=random_state, n_init=n_init)
        if init is None
        else KMeans(n_clusters=n_clusters, random_state=random_state, init=init, n_init=1)
    )
    with threadpool_limits(limits=n_threads, user_api="openmp"):
        fitted = kmeans.fit(scaled)
    return fitted.cluster_centers_


def assign_to_nearest(scaled: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest centroid per row, and the Euclidean distance to it.

    Squared distances are accumulated one feature at a time, so memory stays at rows x clusters whatever the
    number of features. Ties go to the lower centroid index, which callers order by segment_id.
    """
    squared = np.zeros((scaled.shape[0], centroids.shape[0]))
    for feature in range(scaled.shape[1]):
        squared += (scaled[:, feature, None] - centroids[None, :, feature]) ** 2
    nearest = squared.argmin(axis=1)
    return nearest, np.sqrt(squared[np.arange(scaled.shape[0]), nearest])

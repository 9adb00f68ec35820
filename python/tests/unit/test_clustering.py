from __future__ import annotations

import numpy as np
from member_segmentation.clustering import assign_to_nearest, fit_centroids


def test_assignment_is_the_nearest_centroid_with_its_euclidean_distance():
    rng = np.random.default_rng(0)
    points, centroids = rng.normal(size=(500, 5)), rng.normal(size=(4, 5))

    nearest, distance = assign_to_nearest(points, centroids)

    all_distances = np.linalg.norm(points[:, None, :] - centroids[None, :, :], axis=2)
    np.testing.assert_array_equal(nearest, all_distances.argmin(axis=1))
    np.testing.assert_allclose(distance, all_distances.min(axis=1))


def test_a_tie_goes_to_the_lower_centroid_index():
    nearest, _ = assign_to_nearest(np.array([[0.0]]), np.array([[1.0], [-1.0]]))

    assert nearest[0] == 0


def test_fit_does_not_depend_on_the_callers_thread_count():
    rng = np.random.default_rng(1)
    points = np.vstack([rng.normal(loc, 1.0, size=(3000, 4)) for loc in (-3, 0, 3, 6)])

    one_thread = fit_centroids(points, n_clusters=4, random_state=42, n_init=3, n_threads=1)
    two_threads = fit_centroids(points, n_clusters=4, random_state=42, n_init=3, n_threads=2)

    np.testing.assert_allclose(one_thread, two_threads, rtol=0, atol=1e-9)

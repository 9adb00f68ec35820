"""Segmentation settings, read from the dbt vars that the segment models receive as yml-set config."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class SegmentationConfigError(ValueError):
    """A segmentation setting is missing or inconsistent; the message names the var and the rule."""


@dataclass(frozen=True)
class SegmentationSettings:
    """What a segmentation run needs to know besides the data.

    ``features`` are member_features columns in the order the clustering sees them; ``log1p_features`` is the
    subset that is log1p-transformed before scaling. ``n_threads`` caps the OpenMP threads k-means may use, so a
    run's result does not depend on how many cores the machine happens to have.
    """

    features: tuple[str, ...]
    log1p_features: frozenset[str]
    n_segments: int
    random_state: int
    n_init: int
    n_threads: int = 1
    fit_sample_size: int | None = None

    def __post_init__(self) -> None:
        if not self.features:
            raise SegmentationConfigError("var segmentation_features: list at least one member_features column.")
        if len(set(self.features)) != len(self.features):
            raise SegmentationConfigError(
                f"var segmentation_features: each feature may appear once, got {list(self.features)}."
            )
        unknown = sorted(self.log1p_features - set(self.features))
        if unknown:
            raise SegmentationConfigError(
                f"var log1p_features: {unknown} are not in segmentation_features {list(self.features)}."
            )
        if self.n_segments < 2:
            raise SegmentationConfigError(f"var n_segments: must be at least 2, got {self.n_segments}.")
        if self.n_init < 1:
            raise SegmentationConfigError(f"var kmeans_n_init: must be at least 1, got {self.n_init}.")
        if self.n_threads < 1:
            raise SegmentationConfigError(f"var kmeans_n_threads: must be at least 1, got {self.n_threads}.")
        if self.fit_sample_size is not None and self.fit_sample_size < self.n_segments:
            raise SegmentationConfigError(
                f"var kmeans_fit_sample_size: must be at least n_segments ({self.n_segments}) or null for all "
                f"members, got {self.fit_sample_size}."
            )


def _as_name_list(value: Any, var_name: str) -> tuple[str, ...]:
    """A list var, or a comma-separated string as typed on the command line (``--vars``)."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, Sequence):
        raise SegmentationConfigError(f"var {var_name}: expected a list of column names, got {value!r}.")
    return tuple(str(name).strip() for name in value if str(name).strip())


def _as_int(value: Any, var_name: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError as error:
        raise SegmentationConfigError(f"var {var_name}: expected a whole number, got {value!r}.") from error


def _optional_int(value: Any, var_name: str) -> int | None:
    return None if value is None or str(value).strip().lower() in {"", "none", "null"} else _as_int(value, var_name)


def settings_from_config(config: Mapping[str, Any] | None) -> SegmentationSettings:
    """Build settings from the ``segmentation`` config of a segment model (``dbt.config.get("segmentation")``),
    whose keys are named after the dbt vars they carry."""
    if not config:
        raise SegmentationConfigError(
            "model config 'segmentation' is missing: set it in models/marts/segments/_segments__models.yml."
        )
    return SegmentationSettings(
        features=_as_name_list(config.get("features"), "segmentation_features"),
        log1p_features=frozenset(_as_name_list(config.get("log1p_features") or [], "log1p_features")),
        n_segments=_as_int(config.get("n_segments"), "n_segments"),
        random_state=_as_int(config.get("kmeans_random_state"), "kmeans_random_state"),
        n_init=_as_int(config.get("kmeans_n_init"), "kmeans_n_init"),
        n_threads=_as_int(config.get("kmeans_n_threads", 1), "kmeans_n_threads"),
        fit_sample_size=_optional_int(config.get("kmeans_fit_sample_size"), "kmeans_fit_sample_size"),
    )

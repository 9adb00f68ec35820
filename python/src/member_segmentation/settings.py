"""Segmentation settings, read from the dbt vars that the segment models receive as yml-set config.

Which features, transforms and number of segments fit depends on the business question being asked (var
``segmentation_question`` picks one entry of var ``segmentation_questions``), so the same pipeline answers
"how do we retain consumers?" and "what interventions should we offer high utilizers?" without code changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from member_segmentation.preprocessing import TRANSFORMS


class SegmentationConfigError(ValueError):
    """A segmentation setting is missing or inconsistent; the message names the var and the rule."""


# How a refresh treats the previous run's model (var refresh_mode): refit fits k-means again, warm-started from
# the previous run's centroids; score keeps the previous run's scaling and centroids and only assigns members.
REFRESH_MODES = ("refit", "score")

# Each feature is clipped to its [1 - q, q] quantiles of the fit sample before the transform is fitted, so that
# no single member's value, however extreme, can move the others' segments; a question's clip_quantile
# overrides it, null turns clipping off (the source article's plain recipe).
DEFAULT_CLIP_QUANTILE = 0.995


@dataclass(frozen=True)
class SegmentationSettings:
    """What a segmentation run needs to know besides the data.

    ``question`` names the segmentation question (it selects the persona seeds' rows); ``features`` are
    member_features columns in the order the clustering sees them; ``transform`` (one of TRANSFORMS) is applied
    to every feature before scaling, except that ``log1p`` applies only to ``log1p_features`` (the others stay
    as they are). ``n_threads`` caps the OpenMP threads k-means may use, so a run's result does not depend on
    how many cores the machine happens to have. ``refresh_mode`` is one of REFRESH_MODES.
    """

    question: str
    features: tuple[str, ...]
    log1p_features: frozenset[str]
    n_segments: int
    random_state: int
    n_init: int
    n_threads: int = 1
    fit_sample_size: int | None = None
    refresh_mode: str = "refit"
    transform: str = "yeo_johnson"
    clip_quantile: float | None = DEFAULT_CLIP_QUANTILE

    @property
    def feature_transforms(self) -> tuple[str, ...]:
        """The transform of each feature, in features order."""
        if self.transform == "log1p":
            return tuple("log1p" if name in self.log1p_features else "none" for name in self.features)
        return (self.transform,) * len(self.features)

    def __post_init__(self) -> None:
        where = f"var segmentation_questions.{self.question}"
        if not self.features:
            raise SegmentationConfigError(f"{where}.features: list at least one member_features column.")
        if len(set(self.features)) != len(self.features):
            raise SegmentationConfigError(f"{where}.features: each feature may appear once, got {list(self.features)}.")
        if self.transform not in TRANSFORMS:
            raise SegmentationConfigError(
                f"{where}.transform: must be one of {list(TRANSFORMS)}, got {self.transform!r}."
            )
        if self.log1p_features and self.transform != "log1p":
            raise SegmentationConfigError(
                f"{where}.log1p_features: only used with transform log1p, but the question's transform is "
                f"{self.transform!r}; remove log1p_features or set transform: log1p."
            )
        if self.clip_quantile is not None and not 0.5 < self.clip_quantile < 1:
            raise SegmentationConfigError(
                f"{where}.clip_quantile: must be above 0.5 and below 1 (e.g. 0.995), or null for no clipping, "
                f"got {self.clip_quantile}."
            )
        unknown = sorted(self.log1p_features - set(self.features))
        if unknown:
            raise SegmentationConfigError(
                f"{where}.log1p_features: {unknown} are not in its features {list(self.features)}."
            )
        if self.n_segments < 2:
            raise SegmentationConfigError(
                f"var n_segments (or {where}.n_segments): must be at least 2, got {self.n_segments}."
            )
        if self.n_init < 1:
            raise SegmentationConfigError(f"var kmeans_n_init: must be at least 1, got {self.n_init}.")
        if self.n_threads < 1:
            raise SegmentationConfigError(f"var kmeans_n_threads: must be at least 1, got {self.n_threads}.")
        if self.refresh_mode not in REFRESH_MODES:
            raise SegmentationConfigError(
                f"var refresh_mode: must be one of {list(REFRESH_MODES)}, got {self.refresh_mode!r}."
            )
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


def _optional_quantile(value: Any, var_name: str) -> float | None:
    if value is None or str(value).strip().lower() in {"", "none", "null"}:
        return None
    try:
        return float(str(value).strip())
    except ValueError as error:
        raise SegmentationConfigError(
            f"var {var_name}: expected a number such as 0.995 or null, got {value!r}."
        ) from error


def question_config(question: str, questions: Any) -> Mapping[str, Any]:
    """The entry of var segmentation_questions that var segmentation_question names."""
    if not isinstance(questions, Mapping) or not questions:
        raise SegmentationConfigError(
            f"var segmentation_questions: expected a mapping of question name to settings, got {questions!r}."
        )
    if question not in questions:
        raise SegmentationConfigError(
            f"var segmentation_question: {question!r} is not one of var segmentation_questions {sorted(questions)}."
        )
    chosen = questions[question]
    if not isinstance(chosen, Mapping):
        raise SegmentationConfigError(f"var segmentation_questions.{question}: expected a mapping, got {chosen!r}.")
    return chosen


def settings_from_config(config: Mapping[str, Any] | None) -> SegmentationSettings:
    """Build settings from the ``segmentation`` config of a segment model (``dbt.config.get("segmentation")``),
    whose keys are named after the dbt vars they carry. The question supplies features, transform and k;
    var n_segments, when set, overrides the question's k (e.g. to try the k that ``make choose-k`` suggests)."""
    if not config:
        raise SegmentationConfigError(
            "model config 'segmentation' is missing: set it in models/marts/segments/_segments__models.yml."
        )
    question = str(config.get("question") or "").strip()
    chosen = question_config(question, config.get("questions"))
    where = f"segmentation_questions.{question}"
    n_segments = _optional_int(config.get("n_segments"), "n_segments")
    return SegmentationSettings(
        question=question,
        features=_as_name_list(chosen.get("features"), f"{where}.features"),
        log1p_features=frozenset(_as_name_list(chosen.get("log1p_features") or [], f"{where}.log1p_features")),
        n_segments=n_segments if n_segments is not None else _as_int(chosen.get("n_segments"), f"{where}.n_segments"),
        random_state=_as_int(config.get("kmeans_random_state"), "kmeans_random_state"),
        n_init=_as_int(config.get("kmeans_n_init"), "kmeans_n_init"),
        n_threads=_as_int(config.get("kmeans_n_threads", 1), "kmeans_n_threads"),
        fit_sample_size=_optional_int(config.get("kmeans_fit_sample_size"), "kmeans_fit_sample_size"),
        refresh_mode=str(config.get("refresh_mode") or "refit").strip().lower(),
        transform=str(chosen.get("transform") or "yeo_johnson").strip().lower(),
        clip_quantile=_optional_quantile(chosen.get("clip_quantile", DEFAULT_CLIP_QUANTILE), f"{where}.clip_quantile"),
    )

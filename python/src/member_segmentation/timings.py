"""Opt-in phase timings for benchmarks.

dbt shows only a model's total time, and ``print`` from a Python model is not shown. When the environment
variable ``SEGMENTATION_TIMINGS_FILE`` names a file, each timed phase appends one JSON line to it
(``{"model": ..., "phase": ..., "seconds": ...}``); otherwise timing costs nothing and writes nothing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TIMINGS_FILE_ENV = "SEGMENTATION_TIMINGS_FILE"


@contextmanager
def timed(model: str, phase: str) -> Iterator[None]:
    target = os.environ.get(TIMINGS_FILE_ENV)
    if not target:
        yield
        return
    started = time.perf_counter()
    yield
    record = {"model": model, "phase": phase, "seconds": round(time.perf_counter() - started, 6)}
    with Path(target).open("a", encoding="utf-8") as timings:
        timings.write(json.dumps(record) + "\n")

"""Seeded random streams, one per purpose and chunk, and the vectorised draws and string columns built from them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

# One random stream per purpose: adding draws to one table must not shift another's. The snapshot streams
# come last, so single-snapshot extracts are drawn exactly as before they existed. The order is part of the
# seed's meaning (a stream is known by its position): append new streams, never reorder.
STREAMS = (
    "population",
    "members",
    "enrollments",
    "plans",
    "claims",
    "portal_logins",
    "email_events",
    "call_center_contacts",
    "turnover",
    "behaviour_changes",
    "population_shift",
    "contact_preferences",
    "outreach_effects",
)


def random_stream(seed: int, stream: str, chunk: int | None = None, *more: int) -> np.random.Generator:
    """The stream of one purpose (and chunk): shared draws such as the plans take no chunk; `more` tells apart
    several streams of one purpose and chunk (the shifted population's events)."""
    spawn_key = (STREAMS.index(stream),) if chunk is None else (STREAMS.index(stream), chunk, *more)
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=spawn_key))


def format_ids(prefix: str, numbers: np.ndarray, digits: int) -> pa.Array:
    """Zero-padded ids such as M000000001, built straight into an Arrow buffer (no Python strings)."""
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    width = head.size + digits
    chars = np.empty((numbers.size, width), dtype=np.uint8)
    chars[:, : head.size] = head
    remaining = numbers.astype(np.int64)
    for position in range(width - 1, head.size - 1, -1):
        chars[:, position] = remaining % 10 + ord("0")
        remaining = remaining // 10
    offsets = np.arange(numbers.size + 1, dtype=np.int32) * width
    return pa.Array.from_buffers(pa.string(), numbers.size, [None, pa.py_buffer(offsets), pa.py_buffer(chars)])


def labels(values: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.string()).take(pa.array(codes))


def choose(rng: np.random.Generator, shares: dict[str, float], size: int) -> np.ndarray:
    p = np.fromiter(shares.values(), dtype=float)
    return rng.choice(len(shares), size=size, p=p / p.sum())


def choose_per_row(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (rows, categories) weight matrix; rows need not sum to one."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(probabilities.shape[0]) * cumulative[:, -1]
    return np.minimum((cumulative < u[:, None]).sum(axis=1), probabilities.shape[1] - 1)

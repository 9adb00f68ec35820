"""The truth written beside each snapshot's extracts: every member's planted persona on its as-of date and,
in a series of snapshots, who changed persona since the previous one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from segmentation_tools.demo_data.changes import BehaviourChanges, PopulationShift
from segmentation_tools.demo_data.draws import labels
from segmentation_tools.demo_data.members import Population
from segmentation_tools.demo_data.personas import PERSONAS
from segmentation_tools.demo_data.timeline import BEFORE_EVERYTHING, Timeline

TRUTH_PATH = Path("_truth") / "planted_personas.parquet"
CHANGES_PATH = Path("_truth") / "behaviour_changes.parquet"

TRUTH_SCHEMA = pa.schema([("member_id", pa.string()), ("planted_persona", pa.string())])
# Who changed persona since the previous snapshot: on which day (null for the shifted population, whose
# whole window changed), from and to which planted persona, and how.
CHANGES_SCHEMA = pa.schema(
    [
        ("member_id", pa.string()),
        ("changed_on", pa.date32()),
        ("from_persona", pa.string()),
        ("to_persona", pa.string()),
        ("change", pa.string()),
    ]
)


def truth_tables(
    population: Population,
    timeline: Timeline,
    changes: BehaviourChanges | None,
    shift: PopulationShift | None,
) -> list[tuple[pa.Table, pa.Table | None]]:
    """Per snapshot: every member's persona on its as-of date and, in a series (changes given), who changed
    since the previous snapshot (CHANGES_SCHEMA)."""
    names = [p.name for p in PERSONAS]
    tables: list[tuple[pa.Table, pa.Table | None]] = []
    previous_as_of = BEFORE_EVERYTHING
    for snapshot in timeline.snapshots:
        persona = population.persona.copy()
        changes_table = None
        if changes is not None:
            changed_by_now = changes.day <= snapshot.as_of
            persona[changes.members[changed_by_now]] = changes.persona[changed_by_now]
            since = np.flatnonzero(changed_by_now & (changes.day > previous_as_of))
            members = changes.members[since]
            changes_table = _changes_table(
                population.member_ids.take(pa.array(members)),
                pa.array(changes.day[since].astype(np.int32), type=pa.date32()),
                labels(names, population.persona[members]),
                labels(names, changes.persona[since]),
                "behaviour",
            )
        if shift is not None and snapshot is timeline.snapshots[-1] and changes_table is not None:
            shifted = np.flatnonzero(shift.mask)
            shifted_rows = _changes_table(
                population.member_ids.take(pa.array(shifted)),
                pa.nulls(shifted.size, type=pa.date32()),
                labels(names, persona[shifted]),
                labels(names, shift.persona),
                "population_shift",
            )
            changes_table = pa.concat_tables([changes_table, shifted_rows])
            persona[shifted] = shift.persona
        truth = pa.Table.from_arrays([population.member_ids, labels(names, persona)], schema=TRUTH_SCHEMA)
        tables.append((truth, changes_table))
        previous_as_of = snapshot.as_of
    return tables


def _changes_table(
    member_ids: pa.Array, changed_on: pa.Array, from_persona: pa.Array, to_persona: pa.Array, change: str
) -> pa.Table:
    kind = pa.array([change] * len(member_ids), type=pa.string())
    return pa.Table.from_arrays([member_ids, changed_on, from_persona, to_persona, kind], schema=CHANGES_SCHEMA)

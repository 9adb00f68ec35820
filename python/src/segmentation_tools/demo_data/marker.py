"""The marker the generator writes beside every set of demo extracts: demo_plan.json.

It says two things. To dbt, that the extracts are synthetic: the build records the origin of its extracts (demo or
plan) in segmentation_run_history and refuses to mix the two in one warehouse (macros/warehouse_origin.sql). To
`make build`, which demo plan a folder holds, so that asking for another size regenerates it (plan_on_disk and
reuse_decision) instead of silently building the old one. Its name has no leading underscore (unlike _truth/):
Spark's file listing skips such files, and the Spark target looks for the marker by listing the folder.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS

MARKER_NAME = "demo_plan.json"


@dataclass(frozen=True)
class DemoPlan:
    """The arguments a set of demo extracts was generated with; the same ones give the same bytes."""

    members: int
    as_of_date: str
    seed: int
    file_format: str
    snapshots: int = 1
    change_share: float = 0.0
    shift_share: float = 0.0


def write_marker(out_dir: Path, plan: DemoPlan) -> Path:
    """Write out_dir/demo_plan.json (the generator's last step, so a half-written folder carries none)."""
    path = Path(out_dir) / MARKER_NAME
    path.write_text(json.dumps({"origin": "demo", **asdict(plan)}, indent=2) + "\n", encoding="utf-8")
    return path


def remove_marker(out_dir: Path) -> None:
    """Drop the marker before extracts are (re)written: until it is back, the folder holds no complete plan."""
    (Path(out_dir) / MARKER_NAME).unlink(missing_ok=True)


def plan_on_disk(out_dir: Path) -> DemoPlan | None:
    """The demo plan in out_dir, or None when the folder carries no marker."""
    path = Path(out_dir) / MARKER_NAME
    if not path.exists():
        return None
    fields = json.loads(path.read_text(encoding="utf-8"))
    fields.pop("origin", None)
    return DemoPlan(**fields)


def reuse_decision(out_dir: Path, wanted: DemoPlan) -> tuple[bool, str]:
    """(reuse, message): whether the extracts in out_dir are the wanted plan already, and what to tell a person.

    Raises ValueError when out_dir holds extracts that are not a demo plan's (no marker): they may be a real
    plan's, and the generator never overwrites those.
    """
    out_dir = Path(out_dir)
    existing = plan_on_disk(out_dir)
    if existing is None:
        extracts = sorted(path.name for path in out_dir.glob("members.*")) if out_dir.is_dir() else []
        if extracts:
            raise ValueError(
                f"{out_dir} holds extracts ({', '.join(extracts)}) without {MARKER_NAME}, so they are not demo data "
                "this generator wrote; it does not overwrite them. Build them with `make dbt-build "
                f"RAW_DATA_PATH={out_dir} WAREHOUSE=<your warehouse>`, or move them and run `make build` again."
            )
        return False, f"no demo extracts in {out_dir}; generating {wanted.members:,} members"
    missing = [name for name in EXTRACT_SCHEMAS if not (out_dir / f"{name}.{wanted.file_format}").exists()]
    if existing == wanted and missing:
        # Written before the contract gained these extracts (or deleted since): the plan is incomplete.
        return False, f"{out_dir} holds the demo plan without {', '.join(missing)}; regenerating it"
    if existing == wanted:
        return True, f"{out_dir} already holds the demo plan of {wanted.members:,} members as of {wanted.as_of_date}"
    differences = ", ".join(
        f"{name} {getattr(existing, name)} -> {getattr(wanted, name)}"
        for name in asdict(wanted)
        if getattr(existing, name) != getattr(wanted, name)
    )
    return False, f"{out_dir} holds another demo plan ({differences}); regenerating it"

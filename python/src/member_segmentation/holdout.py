"""The randomized outreach holdout, the same function as macros/outreach_holdout.sql.

A member's draw is fixed by member_id, the as-of date and a salt, so a holdout is reproducible without storing
it, is drawn independently of the member's segment (every segment holds out the share in expectation), and is
known outside the warehouse: the demo generator plants its outreach effect on the members the warehouse will
put in the outreach group. python/tests/unit/test_holdout.py checks the two implementations agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

_DRAW_SCALE = 2.0**32  # the draw is the first eight hex digits of the md5 (32 bits) over 2^32
# The repository's dbt_project.yml, which declares the holdout vars' defaults (an editable install's path).
PROJECT_FILE = Path(__file__).resolve().parents[3] / "dbt_project.yml"


@dataclass(frozen=True)
class HoldoutSettings:
    """var('outreach_holdout_share') and var('outreach_holdout_salt')."""

    share: float
    salt: str


def project_holdout_settings(project_file: Path = PROJECT_FILE) -> HoldoutSettings:
    """The holdout vars as dbt_project.yml sets them (no --vars overrides): the demo's planted effect uses
    the holdout a default build draws."""
    project_vars = yaml.safe_load(project_file.read_text())["vars"]
    return HoldoutSettings(
        share=float(project_vars["outreach_holdout_share"]), salt=str(project_vars["outreach_holdout_salt"])
    )


def holdout_draw(member_id: str, as_of_date: dt.date, salt: str) -> float:
    """The member's draw in [0, 1): md5('<member_id>:<YYYY-MM-DD>:<salt>'), first 32 bits, over 2^32."""
    key = f"{member_id}:{as_of_date.isoformat()}:{salt}".encode()
    return int(hashlib.md5(key, usedforsecurity=False).hexdigest()[:8], 16) / _DRAW_SCALE


def is_held_out(member_ids: Iterable[str], as_of_date: dt.date, settings: HoldoutSettings) -> np.ndarray:
    """True for each member held out of outreach on the as-of date (draw below the share), else False."""
    return np.fromiter(
        (holdout_draw(member_id, as_of_date, settings.salt) < settings.share for member_id in member_ids), dtype=bool
    )

"""The dbt vars of ``make dbt-build`` and ``make docs`` as JSON, built from the environment rather than pasted
into a shell command, so a value with a quote, a space or non-ASCII letters (``/data/O'Brien plan ü``) reaches
dbt as it is: ``RAW_DATA_PATH``, ``RAW_FORMAT`` and ``AS_OF_DATE`` when set, then any var of ``DBT_VARS`` (a YAML
mapping, dbt's --vars syntax) over them.

``python -m segmentation_tools.build_runner.plan_vars`` prints them; the Makefile passes that as --vars."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping

import yaml

# Environment variable -> the dbt var it sets (dbt_project.yml documents each var).
ENVIRONMENT_VARS = {"RAW_DATA_PATH": "raw_data_path", "RAW_FORMAT": "raw_format", "AS_OF_DATE": "as_of_date"}


class PlanVarsError(ValueError):
    """DBT_VARS is not a YAML mapping."""


def plan_vars(environ: Mapping[str, str]) -> dict:
    """The vars the environment sets, as text; DBT_VARS' entries win."""
    dbt_vars = {var: environ[name] for name, var in ENVIRONMENT_VARS.items() if environ.get(name)}
    extra = yaml.safe_load(environ.get("DBT_VARS") or "{}")
    if not isinstance(extra, dict):
        raise PlanVarsError(
            f"DBT_VARS is {environ.get('DBT_VARS')!r}; expected a YAML mapping such as '{{n_segments: 3}}'."
        )
    return {**dbt_vars, **extra}


def main() -> int:
    try:
        print(json.dumps(plan_vars(os.environ), default=str, ensure_ascii=False))
    except (PlanVarsError, yaml.YAMLError) as error:
        print(f"error: {error}".splitlines()[0], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Stand-ins for dbt's Jinja globals, so sqlfluff's jinja templater renders the project's SQL without dbt.

sqlfluff's ``apply_dbt_builtins`` covers ref, source, var and config; the project's SQL also calls dbt's
cross-database macros (``dbt.type_string()``, ``dbt.dateadd(...)``) and ``adapter.dispatch``. The modules of
this package are exposed to the templater under their own names (``dbt``, ``adapter``) by ``library_path`` in
``.sqlfluff``. They render what dbt-duckdb renders, so the linter sees the SQL DuckDB runs.
"""

from pathlib import Path as _Path

import yaml as _yaml

_PROJECT_VARS = _yaml.safe_load((_Path(__file__).resolve().parents[4] / "dbt_project.yml").read_text())["vars"]


def var(name: str, default: object = None) -> object:
    """The project's own default for a dbt var, so SQL that loops over or formats a var renders as in dbt."""
    return _PROJECT_VARS.get(name, default)


def load_relation(_relation: object) -> None:
    """No warehouse exists at lint time, so code that runs only against built relations is skipped."""

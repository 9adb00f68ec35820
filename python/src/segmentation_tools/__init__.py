"""The tools around the dbt project: the demo-extract generator, the build runner, the segment report, choose-k,
the benchmarks, the Spark launcher and the SQL linter's stand-ins for dbt's Jinja globals.

They drive the dbt project in the repository, so they are installed editable (``make build``) and find it from
their own location.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def create_files_owner_only() -> None:
    """The warehouse, dbt's logs and run results and the tools' exports hold PHI: every file this process (and
    dbt under it) creates from now on is readable and writable by its owner only (umask 077)."""
    os.umask(0o077)

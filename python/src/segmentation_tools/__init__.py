"""The tools around the dbt project: the demo-extract generator, the build runner, the segment report, choose-k,
the benchmarks, the Spark launcher and the SQL linter's stand-ins for dbt's Jinja globals.

They drive the dbt project in the repository, so they are installed editable (``make build``) and find it from
their own location.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]

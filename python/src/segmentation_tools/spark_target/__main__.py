"""Command line: ``python -m segmentation_tools.spark_target <dbt command and arguments>``,
e.g. ``build --target spark``."""

from __future__ import annotations

import sys

from dbt.cli.main import dbtRunner

from segmentation_tools import create_files_owner_only
from segmentation_tools.spark_target import register_local_session


def main(dbt_arguments: list[str]) -> int:
    create_files_owner_only()
    register_local_session()
    result = dbtRunner().invoke(dbt_arguments)
    if result.exception is not None and not result.success:
        print(f"dbt failed: {result.exception}", file=sys.stderr)
        return 2
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""A monthly schedule of the build as code: Dagster with dagster-dbt (the orchestration extra,
requirements/orchestration.txt; docs/ORCHESTRATION.md).

Importing this package needs Dagster, so nothing in `make build` or `make test` imports it; `make test-orchestration`
tests it. The month arithmetic lives in months.py, which needs no Dagster.
"""

"""Stand-ins for dbt's Jinja globals, so sqlfluff's jinja templater renders the project's SQL without dbt.

sqlfluff's ``apply_dbt_builtins`` covers ref, source, var and config; the project's SQL also calls dbt's
cross-database macros (``dbt.type_string()``, ``dbt.dateadd(...)``) and ``adapter.dispatch``. The modules of
this package are exposed to the templater under their own names (``dbt``, ``adapter``) by ``library_path`` in
``.sqlfluff``. They render what dbt-duckdb renders, so the linter sees the SQL DuckDB runs.
"""

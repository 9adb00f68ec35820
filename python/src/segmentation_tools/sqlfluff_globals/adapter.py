"""``adapter.dispatch`` resolved the way dbt resolves it for DuckDB: ``duckdb__<name>``, else ``default__<name>``."""

from collections.abc import Callable

from jinja2 import pass_context
from jinja2.runtime import Context


@pass_context
def dispatch(context: Context, macro_name: str) -> Callable[..., str]:
    """The implementation dbt-duckdb would pick among the project's macros (all the linter loads)."""
    for prefix in ("duckdb__", "default__"):
        implementation = context.resolve_or_missing(f"{prefix}{macro_name}")
        if callable(implementation):
            return implementation
    raise KeyError(f"adapter.dispatch: no duckdb__ or default__ implementation of macro {macro_name!r}")

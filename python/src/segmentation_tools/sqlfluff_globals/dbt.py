"""dbt's cross-database macros as dbt-duckdb renders them (only those the project calls)."""


def type_string() -> str:
    return "text"


def type_timestamp() -> str:
    return "timestamp"


def type_numeric() -> str:
    return "numeric(28,6)"


def type_int() -> str:
    return "integer"


def type_bigint() -> str:
    return "bigint"


def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
    return f"({from_date_or_timestamp} + cast({interval} as bigint) * interval 1 {datepart})"


def concat(fields: list[str]) -> str:
    return " || ".join(fields)


def listagg(measure: str, delimiter_text: str = "','", order_by_clause: str | None = None) -> str:
    return f"string_agg({measure}, {delimiter_text} {order_by_clause or ''})"


def bool_or(expression: str) -> str:
    return f"bool_or({expression})"


def string_literal(value: object) -> str:
    return f"'{value}'"


def safe_cast(field: str, type: str) -> str:
    """macros/cross_db/safe_cast.sql's DuckDB meaning (try_cast), which the project dispatches dbt.safe_cast to."""
    return f"try_cast({field} as {type})"


def hash(field: str) -> str:
    return f"md5(cast({field} as varchar))"


def date_spine(datepart: str, start_date: str, end_date: str) -> str:
    return f"select unnest(generate_series({start_date}, {end_date}, interval 1 {datepart})) as date_{datepart}"


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc('{datepart}', {date})"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"

"""Formatted HTML tables for the report: human column names, rounded numbers, and a dash for a missing value, so
no NaN, NaT, <NA> or None ever reaches the page.

A table is declared as columns of :class:`Column` (the DataFrame column, its heading, its format); cells are
escaped, and numbers are right-aligned by the stylesheet while text is left-aligned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

import pandas as pd

MISSING = "\u2013"  # en dash: shown for a missing value


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA (scalars only)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _count(value: object) -> str:
    return f"{int(value):,}"


def _share(value: object) -> str:
    share = float(value)
    return f"{share:.2%}" if 0 < abs(share) < 0.01 else f"{share:.1%}"


def _points(value: object) -> str:
    text = f"{float(value) * 100:+.2f} pp"
    return text.replace("-0.00", "0.00").replace("+0.00", "0.00")


def _decimal(value: object) -> str:
    return f"{float(value):,.2f}"


def _ratio(value: object) -> str:
    ratio = float(value)
    return f"{ratio:.3f}" if ratio < 0.1 else f"{ratio:.2f}"


def _signed_count(value: object) -> str:
    return f"{int(value):+,}"


def _date(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()


def _flag(value: object) -> str:
    return "yes" if bool(value) else "no"


FORMATS: dict[str, Callable[[object], str]] = {
    "count": _count,
    "signed_count": _signed_count,
    "share": _share,
    "points": _points,
    "decimal": _decimal,
    "ratio": _ratio,
    "date": _date,
    "flag": _flag,
    "text": str,
}
NUMERIC_FORMATS = frozenset({"count", "signed_count", "share", "points", "decimal", "ratio"})


@dataclass(frozen=True)
class Column:
    """One table column: the DataFrame's column, its heading on the page and its format (a FORMATS key)."""

    name: str
    label: str
    format: str = "text"


def format_cell(value: object, kind: str) -> str:
    """The value as the page shows it: formatted by kind, MISSING when absent."""
    return MISSING if is_missing(value) else FORMATS[kind](value)


def html_table(
    frame: pd.DataFrame,
    columns: Iterable[Column],
    table_id: str,
    row_styles: Iterable[str] | None = None,
    css_class: str = "",
) -> str:
    """Every row of frame as an HTML table (no row limit); row_styles gives each row a class (e.g. flagged)."""
    columns = list(columns)
    styles = list(row_styles) if row_styles is not None else [""] * len(frame)
    head = "".join(
        f'<th class="{"num" if column.format in NUMERIC_FORMATS else "text"}">{escape(column.label)}</th>'
        for column in columns
    )
    body = []
    for style, (_, row) in zip(styles, frame.iterrows(), strict=True):
        cells = "".join(
            f'<td class="{"num" if column.format in NUMERIC_FORMATS else "text"}">'
            f"{escape(format_cell(row[column.name], column.format))}</td>"
            for column in columns
        )
        body.append(f'<tr class="{style}">{cells}</tr>' if style else f"<tr>{cells}</tr>")
    class_attribute = f' class="{css_class}"' if css_class else ""
    return (
        f'<table id="{escape(table_id)}"{class_attribute}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def human_label(column: str) -> str:
    """A mart column as a heading: mean_portal_logins -> Mean portal logins (per-member-month spelled out)."""
    words = column.replace("per_member_month", "per member-month").replace("_", " ")
    return words[:1].upper() + words[1:]

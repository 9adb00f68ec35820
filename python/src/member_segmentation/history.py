"""The previous run's fitted model, read back from the segmentation history for a refresh.

Every build appends its segment_centroids rows to the incremental model segment_centroid_history
(models/marts/history). The next build's segment_centroids needs the rows of the run before it, to warm-start
k-means (refresh_mode refit) or to score with them (refresh_mode score). It cannot ``dbt.ref`` the history:
the history is built from segment_centroids, so the ref would be a cycle. Declaring the history table as a
dbt source would not work either: a source must exist, and on a first build (a fresh warehouse) it does not.
So the Python model reads the table through its own session (a DuckDB connection or a SparkSession, see
member_segmentation/frames.py), in the schema dbt builds it into, after checking that it exists; a warehouse
without it simply has no previous run.

The previous run is the latest as-of date strictly before this one with the same segmentation question: a
re-built date never starts from itself, and dates built later than it are ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import pandas as pd

from member_segmentation.frames import query, quoted_identifier, string_literal, table_exists

CENTROID_HISTORY_TABLE = "segment_centroid_history"


class _Relation(Protocol):
    """What a dbt Python model's ``dbt.this`` offers: where the model's own table is built."""

    database: str | None
    schema: str


def previous_run_centroids(session: Any, this: _Relation, as_of_date: date, question: str) -> pd.DataFrame | None:
    """segment_centroid_history's rows of the latest run of question before as_of_date, in the database and
    schema of ``this`` (the calling model's relation); None when there is no such run or no history table.

    ``session`` is the dbt Python model's session: a DuckDB connection or a SparkSession.
    """
    if not table_exists(session, this.database, this.schema, CENTROID_HISTORY_TABLE):
        return None
    history = quoted_identifier(session, this.database, this.schema, CENTROID_HISTORY_TABLE)
    same_question = f"segmentation_question = {string_literal(question)}"
    previous = query(
        session,
        f"""
        select * from {history}
        where {same_question}
            and as_of_date = (
                select max(as_of_date) from {history}
                where {same_question} and as_of_date < date {string_literal(as_of_date.isoformat())}
            )
        order by segment_id, feature_position
        """,
    )
    return None if previous.empty else previous

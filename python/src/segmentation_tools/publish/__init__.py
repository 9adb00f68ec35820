"""`make publish`: the consumer marts of one as-of date copied out of the warehouse for BI tools.

The marts published are the dbt models whose yml says ``meta: {publish: true}``; those that also say
``contains_phi: true`` (member-level lists) only with include_phi. The warehouse is opened read-only once, just
long enough to copy each mart's rows for the as-of date to Parquet; everything after (the Tableau Hyper extract,
the manifest) reads those files. The dated folder appears whole or not at all, so a BI tool never sees half of
it, and no BI tool ever holds the warehouse (docs/BI.md).
"""

from segmentation_tools.publish.export import publish
from segmentation_tools.publish.selection import PublishedMart, published_marts

__all__ = ["PublishedMart", "publish", "published_marts"]

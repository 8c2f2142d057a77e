"""The archive's tables and views by name: what today's code reads and writes.

How each came to be is in :mod:`archiver.store.migrations` (one frozen module per
schema version); the README's Tables section and ``datasette/metadata.json`` say
what every column means.
"""

from __future__ import annotations

__all__ = ["FTS_TABLE", "TABLES", "VIEWS"]

FTS_TABLE = "articles_fts"

#: The archive's views.
VIEWS: tuple[str, ...] = ("article_list",)
#: The archive's own tables (FTS5 shadow tables aside), in creation order.
TABLES: tuple[str, ...] = (
    "archive_meta",
    "frontier",
    "sites",
    "crawl_runs",
    "bodies",
    "fetches",
    "articles",
    "article_urls",
    "article_versions",
    "view_counts",
    "near_duplicates",
    "minhash_bands",
    FTS_TABLE,
)

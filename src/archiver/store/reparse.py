"""Re-extraction over stored raw pages: after a profile fix, update articles without refetching.

Pages re-extracted: the fetch each article currently comes from, plus the newest
successful fetch of every URL that never gave an article (a fixed profile may
turn it into one). Changed titles or bodies go through the same path as a
refetch, so the earlier text is kept in ``article_versions`` (``replaced_by =
'reparse'``); fields the new extraction no longer finds are cleared, since a
reparse is a correction rather than a new observation.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from archiver.article import Article
from archiver.extract import EXTRACTOR_VERSION
from archiver.extract import extract as default_extract
from archiver.store.prepare import ArticleRecord, article_record
from archiver.store.results import ReparseSummary
from archiver.store.rows import decompress, headers_from_json, redirects_from_json

if TYPE_CHECKING:
    from archiver.store.database import Database

__all__ = ["reparse"]

#: How many failures are kept, with their error, in the summary.
MAX_FAILURE_SAMPLES = 20

_TARGETS = """
SELECT fetch_id FROM articles WHERE fetch_id IS NOT NULL {site_articles}
UNION
SELECT max(f.id) FROM fetches f
WHERE f.outcome = 'not-article' AND f.sha256 IS NOT NULL
  AND f.status BETWEEN 200 AND 299 {site_fetches}
  AND NOT EXISTS (SELECT 1 FROM fetches g WHERE g.url = f.url AND g.article_id IS NOT NULL)
GROUP BY f.url
ORDER BY 1
"""

_FETCH = """
SELECT f.id, f.url, f.final_url, f.redirects, f.fetched_at, f.response_headers,
       b.compression, b.data
FROM fetches f JOIN bodies b ON b.sha256 = f.sha256
WHERE f.id IN ({marks})
"""


def _targets(conn: sqlite3.Connection, site: str | None) -> list[int]:
    sql = _TARGETS.format(
        site_articles="AND site = :site" if site else "",
        site_fetches="AND f.site = :site" if site else "",
    )
    return [row[0] for row in conn.execute(sql, {"site": site}) if row[0] is not None]


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _extract_one(row: tuple[Any, ...], extract: Callable[..., Article]) -> ArticleRecord | None:
    _, url, final_url, redirects, fetched_at, headers, compression, data = row
    article = extract(
        decompress(compression, data),
        final_url or url,
        headers=dict(headers_from_json(headers)),
        fetched_at=datetime.fromisoformat(fetched_at),
    )
    if not article.is_article:
        return None
    return article_record(article, final_url or url, url, redirects_from_json(redirects))


def reparse(
    database: Database,
    *,
    site: str | None = None,
    extract: Callable[..., Article] | None = None,
    extractor_version: str | None = None,
    batch_size: int = 200,
) -> ReparseSummary:
    """Re-extract the stored pages of ``database`` (of one ``site``, or all) in batches.

    ``extract`` defaults to :func:`archiver.extract`, stamped with
    :data:`~archiver.extract.EXTRACTOR_VERSION`; another extractor is stamped with
    ``extractor_version``, else its ``version`` attribute, else ``unknown``.
    """
    if extract is None:
        extract = default_extract
        extractor_version = extractor_version or EXTRACTOR_VERSION
    version = extractor_version or getattr(extract, "version", None) or "unknown"
    with database.reading("listing pages to re-extract") as conn:
        targets = _targets(conn, site)
    outcomes: dict[str, int] = {}
    failures: list[tuple[int, str, str]] = []
    failed = 0
    for ids in _chunks(targets, batch_size):
        with database.reading("reading stored pages") as conn:
            rows = conn.execute(_FETCH.format(marks=",".join("?" * len(ids))), ids).fetchall()
        records: list[tuple[int, str, ArticleRecord | None]] = []
        for row in rows:
            try:
                records.append((row[0], row[4], _extract_one(row, extract)))
            except Exception as error:
                failed += 1
                if len(failures) < MAX_FAILURE_SAMPLES:
                    failures.append((row[0], row[2] or row[1], " ".join(str(error).split())[:300]))
        with database.transaction("saving re-extracted articles") as writer:
            for fetch_id, fetched_at, record in records:
                result = writer.resave(fetch_id, fetched_at, record, version)
                outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    return ReparseSummary(
        examined=len(targets), outcomes=outcomes, failed=failed, failures=tuple(failures)
    )

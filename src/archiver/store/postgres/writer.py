"""Saving into a PostgreSQL archive that several crawlers write at once.

The dedup decisions and rows are :class:`archiver.store.writer.Writer`'s. What changes:

- article ids come from the table's identity sequence (``nextval``), never from
  ``max(id) + 1``, which two transactions would both take;
- before deciding, a save takes transaction-scoped advisory locks on the keys it
  dedups by (canonical URL, every alias, content hash), in sorted order (a batch takes
  all its keys at once, :meth:`PgWriter.reserve`): two crawlers saving the same article
  at the same moment run one after the other, and the second finds the first's row and
  records itself as ``unchanged`` or an alias;
- ``articles.url`` stays UNIQUE, so should anything slip past the locks the
  transaction fails with a unique violation, and :meth:`Archive.write` runs it again
  (then the lookup finds the row): never two rows for one article.
"""

from __future__ import annotations

from collections.abc import Iterable

from archiver.store.postgres import fts
from archiver.store.prepare import Prepared
from archiver.store.results import SaveResult
from archiver.store.writer import Writer

__all__ = ["PgWriter"]


class PgWriter(Writer):
    """A :class:`Writer` for a PostgreSQL archive shared by concurrent writers."""

    fts_insert = staticmethod(fts.fts_insert)
    fts_delete = staticmethod(fts.fts_delete)
    #: Another crawler may add to the buckets before this batch commits: ask the table.
    read_buckets_once = False
    #: The index is a column of the article row: every row is written at once.
    batch_rows = False

    def begin(self) -> None:
        """Called once :class:`~.database.PostgresDatabase` has begun the transaction."""
        self._locked: set[str] = set()
        self._ids: list[int] = []
        self._buckets = self._present = None

    def reserve(self, items: Iterable[Prepared]) -> None:
        """Take the dedup locks of a whole batch at once, in one sorted order (two
        transactions saving overlapping batches then never deadlock on them), as many
        article ids as it may need in one round trip (unused ones are gaps), then read
        which of the batch's keys the archive holds (:meth:`Writer.reserve`)."""
        items = list(items)
        self._lock({key for item in items for key in _keys(item)})
        wanted = sum(item.article is not None for item in items)
        if wanted:
            rows = self.cur.execute(
                "SELECT nextval(pg_get_serial_sequence('articles', 'id')) "
                "FROM generate_series(1, ?)",
                (wanted,),
            ).fetchall()
            self._ids = [int(row[0]) for row in reversed(rows)]
        # With every dedup key of the batch locked, no other crawler can add one before
        # this transaction ends: which of them the archive holds can be read once.
        super().reserve(items)

    def _lock(self, keys: set[str]) -> None:
        keys -= self._locked
        if keys:
            self.cur.execute(
                "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT "
                "hashtextextended(key, 0) AS k FROM unnest(?::text[]) AS key ORDER BY 1) AS keys",
                (sorted(keys),),
            )
            self._locked |= keys

    def _new_id(self) -> int:
        if self._ids:
            return self._ids.pop()
        row = self.cur.execute(
            "SELECT nextval(pg_get_serial_sequence('articles', 'id'))"
        ).fetchone()
        return int(row[0])

    def save(self, item: Prepared, run_id: int | None, extractor_version: str) -> SaveResult:
        self._lock(_keys(item))
        return super().save(item, run_id, extractor_version)


def _keys(item: Prepared) -> set[str]:
    """What a save dedups by: canonical URL, every alias, content hash (none: no article)."""
    record = item.article
    if record is None:
        return set()
    return {record.canonical, record.content_hash, *(url for url, _ in record.aliases)}

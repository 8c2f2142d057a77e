"""Writing prepared exchanges: the rows of one save, inside the caller's transaction.

For an article: the dedup decision (canonical URL, then known aliases, then
content hash), the article row, its index entries, aliases, a version row when
the title or body changed, a view-count observation and near-duplicate links.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from archiver.dates.stored import now_iso
from archiver.store.fts import FTS_COLUMNS, index_text
from archiver.store.indexes import (
    ALIAS_INSERT,
    BODY_INSERT,
    FETCH_TAIL,
    VIEW_INSERT,
    Buckets,
    Pending,
    fts_delete,
    fts_insert,
    fts_insert_many,
    link_claim,
    link_near_duplicates,
    unindex_signature,
)
from archiver.store.prepare import ENCODED_FIELDS, ArticleRecord, Prepared
from archiver.store.results import Outcome, SaveResult

__all__ = ["ARTICLE_COLUMNS", "Writer"]

ARTICLE_COLUMNS = (
    "id",
    "url",
    "site",
    "title",
    "lead",
    "body",
    "published_at",
    "published_raw",
    "updated_at",
    "author",
    "author_raw",
    "source",
    "view_count",
    "captions",
    "language",
    "warnings",
    "content_hash",
    "minhash",
    "story_id",
    "first_seen_at",
    "last_seen_at",
    "content_since",
    "fetch_id",
    "extractor_version",
)
_TEXT_FIELDS = ("title", "lead", "body")
_META_FIELDS = (
    "published_at",
    "published_raw",
    "updated_at",
    "author",
    "author_raw",
    "source",
    "captions",
    "language",
    "warnings",
)
#: What a crawl that did not find a field gives (None, or no captions): it never erases what
#: an earlier fetch found.
_NO_CAPTIONS = "[]"
_SELECT = f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE "
#: Keys per lookup query in :meth:`Writer.reserve`.
_CHUNK = 500


def _urls(record: ArticleRecord) -> list[str]:
    """The URLs a record is looked up by: its canonical URL and its aliases."""
    return [record.canonical, *(url for url, _ in record.aliases)]


@dataclass(slots=True)
class _Plan:
    article_id: int
    outcome: Outcome
    row: dict[str, Any] | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    via: str | None = None  # how the matching URL was recorded, for the canonical's alias row
    drop_alias: bool = False


@dataclass(frozen=True, slots=True)
class _Save:
    """What one save writes with: the record, its fetch, when it was seen, by which extractor."""

    record: ArticleRecord
    fetch_id: int
    seen: str
    version: str
    reparse: bool


class Writer:
    """Writes prepared exchanges into the open write transaction of ``conn`` (which
    :meth:`archiver.store.database.Database.transaction` begins and ends)."""

    #: How an article's index entry is written and removed (another engine, another index).
    fts_insert = staticmethod(fts_insert)
    fts_insert_many = staticmethod(fts_insert_many)
    fts_delete = staticmethod(fts_delete)

    #: Whether a batch (:meth:`reserve`) holds its rows back (:class:`Pending`): its pages,
    #: fetches and new articles with their index, bucket, link, view-count and alias rows, written
    #: in one ``executemany`` per table when the batch ends or before a statement that
    #: reads them (a lookup, a claim, a changed article). Not on PostgreSQL, whose ids come
    #: from sequences and whose index is a column of the article row.
    batch_rows = True

    #: Whether a batch reads its LSH buckets once (:class:`Buckets`) in :meth:`reserve`:
    #: only where no other writer can add to them before the batch commits.
    read_buckets_once = True

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.cur = conn.cursor()
        self._sites: set[str] = set()
        self._next_id = 0
        self._buckets: Buckets | None = None
        # The dedup keys (URLs, content hashes) the archive held when the batch began,
        # and those the batch has saved since: a record none of whose keys is in either
        # is new without a lookup. None: look every record up.
        self._present: set[str] | None = None
        # The batch's new articles not written yet (None: every row is written at once).
        self._pending: Pending | None = None

    def begin(self) -> None:
        """Called by :meth:`Database.transaction` once the write transaction has begun."""
        # Ids are handed out here so the fetch row can name its article before the
        # article row exists (that foreign key is checked at commit).
        self._next_id = (self.cur.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
        self._buckets = self._present = self._pending = None

    def reserve(self, items: Iterable[Prepared]) -> None:
        """Prepare to save ``items`` in this transaction: read which of their dedup keys
        the archive holds, and their LSH buckets, in a few queries for the whole batch
        (a shared engine locks their dedup keys first)."""
        records = [item.article for item in items if item.article is not None]
        if not records:
            return
        # A syndicated copy's claim too: when the archive holds no article under the
        # claimed URL (and the batch saves none), the copy has nothing to link (:meth:`_claim`).
        urls = sorted(
            {url for record in records for url in _urls(record)}
            | {record.claim for record in records if record.claim is not None}
        )
        hashes = sorted({record.content_hash for record in records})
        present: set[str] = set()
        for sql, keys in (
            ("SELECT url FROM articles WHERE url IN ", urls),
            ("SELECT url FROM article_urls WHERE url IN ", urls),
            ("SELECT content_hash FROM articles WHERE content_hash IN ", hashes),
        ):
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                present.update(row[0] for row in self.cur.execute(f"{sql}({marks})", chunk))
        self._present = present
        if self.read_buckets_once:
            self._buckets = Buckets(self.cur, {key for record in records for key in record.bands})
        if self.batch_rows and self._pending is None:
            self._pending = Pending(self.cur, self.fts_insert_many)

    def flush(self) -> None:
        """Write the rows of the batch's new articles held back so far (:attr:`batch_rows`).

        :meth:`Database.transaction` calls it before COMMIT; the writer itself before any
        statement that reads or refers to them."""
        if self._pending is not None:
            self._pending.flush()

    def forget(self) -> None:
        """Drop caches that may describe rows a rollback just removed."""
        self._sites.clear()
        if self._pending is not None:
            self._pending.clear()
        self._buckets = self._present = self._pending = None

    # -- fetches ---------------------------------------------------------------------

    def save(self, item: Prepared, run_id: int | None, extractor_version: str) -> SaveResult:
        if item.blob is not None:
            body = (item.sha256, item.compression, item.size, item.blob)
            if self._pending is not None:
                self._pending.bodies.append(body)
            else:
                self.cur.execute(BODY_INSERT, body)
        record = item.article
        if record is None:
            return SaveResult(
                self._insert_fetch(item, run_id, None, "not-article"), None, "not-article"
            )
        plan = self._plan(record, item.fetched_at, reparse=False)
        fetch_id = self._insert_fetch(item, run_id, plan.article_id, plan.outcome)
        near = self._apply(plan, _Save(record, fetch_id, item.fetched_at, extractor_version, False))
        near = self._claim(plan, record, item.fetched_at, near)
        if self._present is not None:  # what this save wrote, later saves look up
            self._present.update(_urls(record))
            self._present.add(record.content_hash)
        return SaveResult(fetch_id, plan.article_id, plan.outcome, near)

    def _claim(
        self, plan: _Plan, record: ArticleRecord, seen: str, near: tuple[int, ...]
    ) -> tuple[int, ...]:
        """Link a syndicated copy to the original its canonical link names on another
        site (when the archive has it); the original itself is never touched."""
        if record.claim is None or plan.outcome == "alias":
            return near
        present = self._present
        if self._pending is not None and present is not None and record.claim not in present:
            # No article of the archive nor of the batch has that URL (the batch's one
            # writer read the archive's in :meth:`reserve`): the lookup would find nothing,
            # so the held rows stay held.
            return near
        self.flush()
        other = link_claim(self.cur, plan.article_id, record.claim, record.signature, seen)
        return tuple(sorted({*near, other})) if other is not None else near

    def resave(
        self, fetch_id: int, fetched_at: str, record: ArticleRecord | None, extractor_version: str
    ) -> SaveResult:
        """Store a re-extraction of an already stored fetch (``reparse``)."""
        self.flush()
        if record is None:
            # The page no longer extracts as an article; the article row stays untouched.
            self.cur.execute("UPDATE fetches SET outcome = 'not-article' WHERE id = ?", (fetch_id,))
            return SaveResult(fetch_id, None, "not-article")
        plan = self._plan(record, fetched_at, reparse=True)
        near = self._apply(plan, _Save(record, fetch_id, fetched_at, extractor_version, True))
        self.cur.execute(
            "UPDATE fetches SET article_id = ?, outcome = ?, site = ? WHERE id = ?",
            (plan.article_id, plan.outcome, record.site, fetch_id),
        )
        return SaveResult(fetch_id, plan.article_id, plan.outcome, near)

    def _insert_fetch(
        self, item: Prepared, run_id: int | None, article_id: int | None, outcome: str
    ) -> int:
        tail = (run_id, item.fetched_at, article_id, outcome)
        if self._pending is not None:
            return self._pending.add_fetch(item.fetch, tail)
        values = {**item.fetch, **dict(zip(FETCH_TAIL, tail, strict=True))}
        names = ", ".join(values)
        marks = ", ".join("?" * len(values))
        self.cur.execute(f"INSERT INTO fetches({names}) VALUES ({marks})", tuple(values.values()))
        return self.cur.lastrowid or 0

    # -- deciding ----------------------------------------------------------------------

    def _article(self, where: str, params: Iterable[Any]) -> dict[str, Any] | None:
        row = self.cur.execute(_SELECT + where + " LIMIT 1", tuple(params)).fetchone()
        return dict(zip(ARTICLE_COLUMNS, row, strict=True)) if row else None

    def _lookup(
        self, record: ArticleRecord
    ) -> tuple[dict[str, Any] | None, str | None, str | None]:
        """The stored article ``record`` is, how it was found, and the alias kind that matched."""
        present = self._present
        if (
            present is not None
            and record.content_hash not in present
            and present.isdisjoint(_urls(record))
        ):
            return None, None, None  # none of its keys is in the archive: every query misses
        self.flush()
        row = self._article("url = ?", (record.canonical,))
        if row:
            return row, "url", None
        alias = self.cur.execute(
            "SELECT article_id, matched_by FROM article_urls WHERE url = ?", (record.canonical,)
        ).fetchone()
        if alias:
            how = "alias-content" if alias[1] == "content" else "alias"
            return self._article("id = ?", (alias[0],)), how, alias[1]
        for url, how in record.aliases:
            row = self._article("url = ?", (url,))
            if row:
                return row, "alias", how
            alias = self.cur.execute(
                "SELECT article_id FROM article_urls WHERE url = ? AND matched_by != 'content'",
                (url,),
            ).fetchone()
            if alias:
                return self._article("id = ?", (alias[0],)), "alias", how
        row = self._article("content_hash = ?", (record.content_hash,))
        return (row, "content", "content") if row else (None, None, None)

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _plan(self, record: ArticleRecord, fetched_at: str, *, reparse: bool) -> _Plan:
        row, how, via = self._lookup(record)
        if row is None:
            return _Plan(self._new_id(), "new")
        if how == "content" or (
            how == "alias-content" and row["content_hash"] == record.content_hash
        ):
            return _Plan(row["id"], "alias", row, via="content")
        if how == "alias-content":
            # A copy recorded as an alias has diverged: it becomes an article of its own.
            return _Plan(self._new_id(), "new", drop_alias=True)
        changes: dict[str, Any] = {}
        if row["content_hash"] != record.content_hash:
            changes.update({name: record.fields[name] for name in _TEXT_FIELDS})
            changes.update(content_hash=record.content_hash, minhash=record.signature)
        for name in _META_FIELDS:
            value = record.fields[name]
            # A crawl that misses a field does not erase it; a reparse (a fixed profile) may.
            missing = value is None or (name == "captions" and value == _NO_CAPTIONS)
            if (not missing or reparse) and value != row[name]:
                changes[name] = value
        if record.site != row["site"]:
            changes["site"] = record.site
        return _Plan(row["id"], "updated" if changes else "unchanged", row, changes, via=via)

    # -- writing -----------------------------------------------------------------------

    def _apply(self, plan: _Plan, save: _Save) -> tuple[int, ...]:
        if plan.outcome == "new":
            return self._insert_article(plan, save)
        self.flush()
        row = plan.row
        assert row is not None
        record = save.record
        aliases = list(record.aliases)
        if record.canonical != row["url"]:
            aliases.insert(0, (record.canonical, plan.via or "canonical"))
        self._aliases(row["id"], aliases, save, skip=row["url"])
        if plan.outcome == "alias":
            if not save.reparse:
                self.cur.execute(
                    "UPDATE articles SET last_seen_at = max(last_seen_at, ?), "
                    "first_seen_at = min(first_seen_at, ?) WHERE id = ?",
                    (save.seen, save.seen, row["id"]),
                )
            if record.site == row["site"]:  # another site's copy has its own counter
                self._view_count(row["id"], save, update_article=True)
            return ()
        return self._update_article(plan, save)

    def _ensure_site(self, site: str, url: str) -> None:
        if site in self._sites:
            return
        parts = urlsplit(url)
        self.cur.execute(
            "INSERT OR IGNORE INTO sites(name, base_url, profile, first_seen_at) "
            "VALUES (?, ?, ?, ?)",
            (site, f"{parts.scheme}://{parts.netloc}/", None if "." in site else site, now_iso()),
        )
        self._sites.add(site)

    def _insert_article(self, plan: _Plan, save: _Save) -> tuple[int, ...]:
        record, seen = save.record, save.seen
        if plan.drop_alias:
            self.flush()
            self.cur.execute("DELETE FROM article_urls WHERE url = ?", (record.canonical,))
        self._ensure_site(record.site, record.canonical)
        article_id = plan.article_id
        values = {
            "id": article_id,
            "url": record.canonical,
            "site": record.site,
            **record.fields,
            "view_count": record.view_count,
            "content_hash": record.content_hash,
            "minhash": record.signature,
            "story_id": article_id,
            "first_seen_at": seen,
            "last_seen_at": seen,
            "content_since": seen,
            "fetch_id": save.fetch_id,
            "extractor_version": save.version,
        }
        pending = self._pending
        if pending is None:
            self.cur.execute(
                f"INSERT INTO articles({', '.join(values)}) "
                f"VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
            self.fts_insert(self.cur, article_id, *record.folded)
        else:
            if record.encoded is not None:
                # The drafting process's UTF-8 of the long texts: bound as they are, the
                # held row's INSERT casts them to text (Pending.flush).
                for name, data in zip(ENCODED_FIELDS, record.encoded, strict=True):
                    if data is not None:
                        values[name] = data
            pending.add_article(values, record.folded)
        near = link_near_duplicates(
            self.cur,
            article_id,
            record.signature,
            record.bands,
            article_id,
            seen,
            self._buckets,
            pending,
        )
        if record.aliases:
            present = self._present
            if (
                pending is not None
                and present is not None
                and present.isdisjoint(url for url, _ in record.aliases)
            ):
                # URLs no row names yet (neither when the batch began nor saved since): each
                # insert would succeed, so the rows wait with the article's, and a later
                # lookup of these URLs (they join the present keys) flushes them first.
                pending.aliases += [
                    (url, article_id, how, seen, seen, save.fetch_id)
                    for url, how in record.aliases
                    if url != record.canonical
                ]
            else:  # a known URL widens its row's span: the article's row is written first
                self.flush()
                self._aliases(article_id, record.aliases, save, skip=record.canonical)
        if pending is not None and record.view_count is not None:
            # A new article has no view count yet: nothing to update, the row waits too.
            pending.views.append((article_id, seen, record.view_count, save.fetch_id))
        else:
            self._view_count(article_id, save, update_article=False)
        return near

    def _update_article(self, plan: _Plan, save: _Save) -> tuple[int, ...]:
        row = plan.row
        assert row is not None
        record, seen = save.record, save.seen
        changes = dict(plan.changes)
        near: tuple[int, ...] = ()
        if "content_hash" in changes:
            if not save.reparse and seen < row["content_since"]:
                # An older copy arriving late is history, not the current text.
                self._version(
                    row["id"],
                    {**row, **changes},
                    seen,
                    seen,
                    save.fetch_id,
                    save.version,
                    "refetch",
                )
                for name in (*_TEXT_FIELDS, "content_hash", "minhash"):
                    changes.pop(name)
            else:
                self._version(
                    row["id"],
                    row,
                    row["content_since"],
                    row["last_seen_at"],
                    row["fetch_id"],
                    row["extractor_version"],
                    "reparse" if save.reparse else "refetch",
                )
                unindex_signature(self.cur, row["id"], row["minhash"], self._buckets)
                near = link_near_duplicates(
                    self.cur,
                    row["id"],
                    record.signature,
                    record.bands,
                    row["story_id"],
                    seen,
                    self._buckets,
                )
                if not save.reparse:
                    changes["content_since"] = seen
        if "content_hash" in changes or "captions" in changes:
            self._reindex(row, record, changes)
        if "site" in changes:
            self._ensure_site(record.site, record.canonical)
        newest = seen >= row["last_seen_at"]
        if save.reparse or newest:
            changes["fetch_id"] = save.fetch_id
            changes["extractor_version"] = save.version
        if not save.reparse:
            changes["last_seen_at"] = max(seen, row["last_seen_at"])
            changes["first_seen_at"] = min(seen, row["first_seen_at"])
        if record.view_count is not None and newest:
            changes["view_count"] = record.view_count
        if changes:
            assignments = ", ".join(f"{name} = ?" for name in changes)
            self.cur.execute(
                f"UPDATE articles SET {assignments} WHERE id = ?", (*changes.values(), row["id"])
            )
        self._view_count(row["id"], save, update_article=False)
        return near

    def _reindex(self, row: dict[str, Any], record: ArticleRecord, changes: dict[str, Any]) -> None:
        """Replace the article's index entry with what its row will hold: new text, or the
        stored text with new captions (a crawl that found no captions keeps the old ones)."""
        self.fts_delete(self.cur, row["id"], *(row[name] for name in FTS_COLUMNS))
        final = {**row, **changes}
        self.fts_insert(
            self.cur,
            row["id"],
            *(
                record.folded[i] if final[name] == record.fields[name] else index_text(final[name])
                for i, name in enumerate(FTS_COLUMNS)
            ),
        )

    def _version(
        self,
        article_id: int,
        old: dict[str, Any],
        seen_from: str,
        seen_until: str,
        fetch_id: int | None,
        version: str | None,
        replaced_by: str,
    ) -> None:
        columns = ("title", "lead", "body", "author", "published_at", "updated_at", "content_hash")
        self.cur.execute(
            f"INSERT INTO article_versions(article_id, {', '.join(columns)}, seen_from, "
            "seen_until, fetch_id, extractor_version, replaced_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                *(old[c] for c in columns),
                seen_from,
                seen_until,
                fetch_id,
                version,
                replaced_by,
            ),
        )

    def _aliases(
        self, article_id: int, aliases: Iterable[tuple[str, str]], save: _Save, skip: str
    ) -> None:
        seen = save.seen
        for url, how in aliases:
            if url == skip:
                continue
            self.cur.execute(ALIAS_INSERT, (url, article_id, how, seen, seen, save.fetch_id))
            if not self.cur.rowcount:  # known alias: widen the span it was seen in
                self.cur.execute(
                    "UPDATE article_urls SET last_seen_at = max(last_seen_at, ?), "
                    "first_seen_at = min(first_seen_at, ?) WHERE url = ?",
                    (seen, seen, url),
                )

    def _view_count(self, article_id: int, save: _Save, *, update_article: bool) -> None:
        count = save.record.view_count
        if count is None:
            return
        values = (article_id, save.seen, count, save.fetch_id)
        # INSERT OR IGNORE then UPDATE: an upsert or REPLACE here is ten times slower
        # (measured) with foreign keys on.
        self.cur.execute(VIEW_INSERT, values)
        if not self.cur.rowcount:
            self.cur.execute(
                "UPDATE view_counts SET view_count = ?, fetch_id = ? "
                "WHERE article_id = ? AND observed_at = ?",
                (count, save.fetch_id, article_id, save.seen),
            )
        if update_article:
            self.cur.execute(
                "UPDATE articles SET view_count = ? WHERE id = ? AND last_seen_at <= ?",
                (count, article_id, save.seen),
            )

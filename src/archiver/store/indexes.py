"""The derived indexes: the folded full-text index, MinHash buckets and near-duplicate links.

These and the content hashes are rebuilt from the articles table when the code that
derives them changes: the archive stores a probe (the indexed form / signature of a
fixed text) and compares it on every writable open, because the FTS table can only
delete a row when given exactly the text it indexed (see :mod:`archiver.store.fts`).
"""

from __future__ import annotations

import hashlib
import heapq
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from archiver.store.dedup import (
    THRESHOLD,
    band_keys,
    band_keys_many,
    minhash,
    minhash_many,
    similarities,
    similarity,
)
from archiver.store.folding import content_hash, index_fold
from archiver.store.fts import FTS_COLUMNS, index_text
from archiver.store.prepare import ENCODED_FIELDS
from archiver.store.schema import FTS_TABLE

__all__ = [
    "Buckets",
    "Pending",
    "check",
    "ensure_probes",
    "fts_delete",
    "fts_insert",
    "fts_insert_many",
    "link_claim",
    "link_near_duplicates",
]

_FTS_NAMES = ", ".join(FTS_COLUMNS)
_FTS_MARKS = ", ".join("?" * len(FTS_COLUMNS))
#: A near-duplicate link, or its new score and time when the pair is linked already. (An
#: upsert, not INSERT OR REPLACE: with foreign keys on, REPLACE costs a statement journal.)
LINK = (
    "INSERT INTO near_duplicates(article_id, duplicate_of, similarity, found_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT(article_id, duplicate_of) DO UPDATE SET "
    "similarity = excluded.similarity, found_at = excluded.found_at"
)
BAND_INSERT = "INSERT OR IGNORE INTO minhash_bands(band_key, article_id) VALUES (?, ?)"
#: A raw page (stored once however often it is fetched) and a view-count observation.
BODY_INSERT = "INSERT OR IGNORE INTO bodies(sha256, compression, size, data) VALUES (?, ?, ?, ?)"
VIEW_INSERT = (
    "INSERT OR IGNORE INTO view_counts(article_id, observed_at, view_count, fetch_id) "
    "VALUES (?, ?, ?, ?)"
)
#: Another URL an article was found under (a known one keeps its row: the writer then
#: widens the span it was seen in).
ALIAS_INSERT = (
    "INSERT OR IGNORE INTO article_urls(url, article_id, matched_by, first_seen_at, "
    "last_seen_at, fetch_id) VALUES (?, ?, ?, ?, ?, ?)"
)
#: Candidates compared per lookup; bounds the work when a bucket is crowded. Candidates are
#: ranked by how many of the article's buckets they share (then newest first), so unrelated
#: articles crowding one bucket cannot push out a near-copy, which shares several.
MAX_CANDIDATES = 100
#: The ranked lookup: the same order as :meth:`Buckets.candidates`.
_RANKED = (
    "SELECT article_id FROM minhash_bands WHERE band_key IN ({marks}) AND article_id <> ? "
    f"GROUP BY article_id ORDER BY COUNT(*) DESC, article_id DESC LIMIT {MAX_CANDIDATES}"
)

_PROBE_TEXT = (
    "Thủ tướng Phạm Minh Chính đến Đà Nẵng hôm 5/3; người dân hài lòng. ĐỒNG Ý, quý khách "
    "hoà thuận, thuỷ lợi, Müller, Łódź, café… “trích dẫn” — 2024 Ñandú ß æ İstanbul 中文 Ελλάδα"
)


def fts_insert(cur: sqlite3.Cursor, rowid: int, *texts: str | bytes) -> None:
    """Index an article: ``texts`` are :func:`~archiver.store.fts.index_text` forms of its
    :data:`~archiver.store.fts.FTS_COLUMNS`, in that order, or their UTF-8 (FTS5 tokenizes
    a blob's bytes as the text they encode: the same tokens, and no encoding here)."""
    cur.execute(
        f"INSERT INTO {FTS_TABLE}(rowid, {_FTS_NAMES}) VALUES (?, {_FTS_MARKS})", (rowid, *texts)
    )


def fts_insert_many(cur: sqlite3.Cursor, rows: Sequence[Sequence[Any]]) -> None:
    """:func:`fts_insert` of each ``(rowid, *texts)``, in one statement run for all."""
    cur.executemany(f"INSERT INTO {FTS_TABLE}(rowid, {_FTS_NAMES}) VALUES (?, {_FTS_MARKS})", rows)


def fts_delete(cur: sqlite3.Cursor, rowid: int, *originals: str | None) -> None:
    """Unindex an article, given the original text of its columns as they were indexed."""
    # FTS5 forgets a row only when told the exact tokens it indexed for it.
    cur.execute(
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_FTS_NAMES}) "
        f"VALUES ('delete', ?, {_FTS_MARKS})",
        (rowid, *(index_text(text) for text in originals)),
    )


def signature(body: str | None) -> bytes | None:
    return minhash(index_fold(body))


def _qmarks(count: int) -> str:
    return ",".join("?" * count)


class Buckets:
    """The articles in the LSH buckets one batch looks in, read in one query.

    :func:`link_near_duplicates` takes its candidates from here instead of a query per
    article, so every change to those buckets in the transaction must pass through
    :meth:`add` and :meth:`remove` (which the functions here do). Candidates are ranked
    and cut as the table's lookup (:data:`_RANKED`) ranks and cuts them.
    """

    #: Keys per lookup query.
    CHUNK = 500

    def __init__(self, cur: Any, keys: Iterable[int]) -> None:
        #: The buckets read: one of them that :attr:`members` lacks is empty.
        self.known: set[int] = set(keys)
        #: The members of each bucket that has any: one article as its id (nearly every
        #: bucket: its three bins' values are rarely shared), more as the keys of a dict (in
        #: the order they joined, as a list would keep them, and found in O(1), which a
        #: crowded bucket of hundreds needs when every article of the batch is added to it
        #: or removed from it). A new article's empty buckets then take one C call to
        #: look in and one to fill, instead of a dict per bucket and two calls per key.
        self.members: dict[int, int | dict[int, None]] = {}
        #: Signatures of stored articles read as candidates in this batch: the same few are
        #: candidates of many of its articles (an article of a crowded topic: a dozen times
        #: in the bench's batches), so each is read once. :meth:`remove` (the article's
        #: signature is about to change) forgets it.
        self.signatures: dict[int, bytes | None] = {}
        wanted = sorted(self.known)
        for start in range(0, len(wanted), self.CHUNK):
            chunk = wanted[start : start + self.CHUNK]
            for key, article_id in cur.execute(
                "SELECT band_key, article_id FROM minhash_bands "
                f"WHERE band_key IN ({_qmarks(len(chunk))})",
                chunk,
            ).fetchall():
                self._join(key, article_id)

    def _join(self, key: int, article_id: int) -> None:
        held = self.members.get(key)
        if held is None:
            self.members[key] = article_id
        elif isinstance(held, dict):
            held[article_id] = None
        elif held != article_id:
            self.members[key] = {held: None, article_id: None}

    def candidates(self, keys: Sequence[int], article_id: int) -> list[int] | None:
        """The other articles in these buckets, ranked and cut as :data:`_RANKED` does,
        or None if a bucket is not known here."""
        if not self.known.issuperset(keys):
            return None
        members = self.members
        if members.keys().isdisjoint(keys):  # most articles: every bucket empty
            return []
        found = [members[key] for key in keys if key in members]
        # Counted in C, in one pass (crowded buckets hold hundreds): the members in the
        # order they first appear, as counting bucket after bucket would give.
        shared: Counter[int] = Counter(
            chain.from_iterable(held if isinstance(held, dict) else (held,) for held in found)
        )
        shared.pop(article_id, None)
        if len(shared) <= MAX_CANDIDATES:
            return list(shared)
        ranked = heapq.nlargest(MAX_CANDIDATES, shared.items(), key=lambda pair: (pair[1], pair[0]))
        return [member for member, _ in ranked]

    def add(self, keys: Sequence[int], article_id: int) -> None:
        members = self.members
        if members.keys().isdisjoint(keys) and self.known.issuperset(keys):
            members.update(dict.fromkeys(keys, article_id))  # the usual new article
            return
        for key in keys:
            if key in self.known:
                self._join(key, article_id)

    def remove(self, keys: Iterable[int], article_id: int) -> None:
        self.signatures.pop(article_id, None)
        members = self.members
        for key in keys:
            held = members.get(key)
            if isinstance(held, dict):
                held.pop(article_id, None)
            elif held == article_id:
                del members[key]


#: The fetch row's columns the writer adds to a prepared page's (:meth:`Pending.add_fetch`).
FETCH_TAIL = ("run_id", "fetched_at", "article_id", "outcome")


class Pending:
    """A batch's rows not written yet: its raw pages and fetches, its new articles and
    the rows that refer to them (index entries, LSH buckets, near-duplicate links, view
    counts, aliases no earlier row names). :meth:`flush` writes them in one ``executemany``
    per table, in the order the foreign keys ask (pages, fetches, articles, then the rest).
    A fetch gets the id SQLite would give it (the largest + 1), so the held rows are the
    rows written at once.

    Until then :func:`link_near_duplicates` reads their signatures and story ids here and
    merges stories here as well as in the table, so what is finally written is what
    writing each row at once would have left. Whoever is about to run a statement that
    reads these tables or refers to the held articles calls :meth:`flush` first.
    """

    def __init__(self, cur: Any, fts_insert_many: Callable[[Any, list[tuple[Any, ...]]], None]):
        self.cur = cur
        self._fts_insert_many = fts_insert_many
        #: The id the next fetch row gets (what SQLite would give it: the largest + 1).
        self.next_fetch_id = (cur.execute("SELECT max(id) FROM fetches").fetchone()[0] or 0) + 1
        #: Raw pages (INSERT OR IGNORE), then fetch rows by their prepared columns' names
        #: (each row: ``id``, those columns, then :data:`FETCH_TAIL`).
        self.bodies: list[tuple[Any, ...]] = []
        self.fetches: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        #: Article rows by their column names (one group unless a caller varies them).
        self.articles: dict[tuple[str, ...], list[list[Any]]] = {}
        #: The same groups, each with where the signature and story id are in its rows
        #: (found once, not for every row).
        self._groups: dict[tuple[str, ...], tuple[list[list[Any]], int, int]] = {}
        #: Each held article's row (a list: its story id may change) and where its
        #: signature and story id are in it.
        self.held: dict[int, tuple[list[Any], int, int]] = {}
        self.fts: list[tuple[Any, ...]] = []
        self.bands: list[tuple[int, int]] = []
        self.links: list[tuple[Any, ...]] = []
        self.views: list[tuple[Any, ...]] = []
        #: ``article_urls`` rows of held articles, for URLs the archive did not hold
        #: (:data:`ALIAS_INSERT` inserts each, as writing it at once would have).
        self.aliases: list[tuple[Any, ...]] = []

    def add_fetch(self, columns: dict[str, Any], tail: tuple[Any, ...]) -> int:
        """Hold a fetch row: ``columns`` (a :attr:`~archiver.store.prepare.Prepared.fetch`),
        then ``tail``, the values of :data:`FETCH_TAIL`; its id."""
        fetch_id = self.next_fetch_id
        self.next_fetch_id += 1
        # Keyed by the prepared columns' names alone: neither ``id`` nor the tail's names
        # are copied into a new key, nor the columns into a new dict, for every row.
        names = tuple(columns)
        rows = self.fetches.get(names)
        if rows is None:
            rows = self.fetches[names] = []
        rows.append((fetch_id, *columns.values(), *tail))
        return fetch_id

    def add_article(self, values: dict[str, Any], folded: Sequence[str]) -> None:
        """Hold an article's row (``values`` by column, ``id`` among them) and its index texts."""
        columns = tuple(values)
        group = self._groups.get(columns)
        if group is None:
            self.articles[columns] = []
            group = self._groups[columns] = (
                self.articles[columns],
                columns.index("minhash"),
                columns.index("story_id"),
            )
        rows, sig, story = group
        row = list(values.values())
        rows.append(row)
        article_id = values["id"]
        self.held[article_id] = (row, sig, story)
        self.fts.append((article_id, *folded))

    def rows(self, ids: Iterable[int]) -> list[tuple[int, Any, Any]]:
        """``(id, minhash, story_id)`` of the held articles among ``ids``."""
        found = []
        for article_id in ids:
            entry = self.held.get(article_id)
            if entry is not None:
                row, sig, story = entry
                found.append((article_id, row[sig], row[story]))
        return found

    def merge(self, keep: int, merged: set[int], article_id: int) -> None:
        """What ``UPDATE articles SET story_id = keep WHERE story_id IN merged OR id =
        article_id`` does, on the held rows."""
        for held_id, (row, _, story) in self.held.items():
            if held_id == article_id or row[story] in merged:
                row[story] = keep

    def flush(self) -> None:
        cur = self.cur
        if self.bodies:
            cur.executemany(BODY_INSERT, self.bodies)
        for names, rows in self.fetches.items():
            columns = ("id", *names, *FETCH_TAIL)
            cur.executemany(
                f"INSERT INTO fetches({', '.join(columns)}) VALUES ({_marks(columns)})", rows
            )
        for columns, rows in self.articles.items():
            cur.executemany(
                f"INSERT INTO articles({', '.join(columns)}) VALUES ({_marks(columns)})", rows
            )
        if self.fts:
            self._fts_insert_many(cur, self.fts)
        if self.bands:
            cur.executemany(BAND_INSERT, self.bands)
        if self.links:
            cur.executemany(LINK, self.links)
        if self.views:
            cur.executemany(VIEW_INSERT, self.views)
        if self.aliases:
            cur.executemany(ALIAS_INSERT, self.aliases)
        self.clear()

    def clear(self) -> None:
        self.bodies, self.fetches, self.articles, self._groups = [], {}, {}, {}
        self.held = {}
        self.fts, self.bands, self.links, self.views = [], [], [], []
        self.aliases = []


def _marks(columns: Sequence[str]) -> str:
    """The parameters of a held row's INSERT: a text column that may come as its UTF-8
    (:attr:`~archiver.store.prepare.ArticleRecord.encoded`) is cast back to text, which
    stores the bytes binding the text would have stored (a NULL or a text stays as it is)."""
    return ", ".join("CAST(? AS TEXT)" if name in ENCODED_FIELDS else "?" for name in columns)


def link_near_duplicates(
    cur: sqlite3.Cursor,
    article_id: int,
    sig: bytes | None,
    keys: Sequence[int],
    story_id: int,
    found_at: str,
    buckets: Buckets | None = None,
    pending: Pending | None = None,
) -> tuple[int, ...]:
    """Index ``sig`` in the buckets and link the article to its stored near-copies.

    Returns the linked article ids. The article joins the lowest story id among
    its copies, and stories it bridges are merged into that one. ``buckets``: the
    batch's buckets, read already; ``pending``: the batch's articles not written yet
    (the article's own rows wait there too when it is one of them).
    """
    if not keys or sig is None:
        return ()
    candidate_ids = buckets.candidates(keys, article_id) if buckets is not None else None
    if candidate_ids is None:
        if pending is not None:
            pending.flush()
        query = _RANKED.format(marks=_qmarks(len(keys)))
        candidate_ids = [row[0] for row in cur.execute(query, [*keys, article_id])]
    held = pending is not None and article_id in pending.held
    if held:
        pending.bands += [(key, article_id) for key in keys]  # type: ignore[union-attr]
    else:
        cur.executemany(BAND_INSERT, [(key, article_id) for key in keys])
    if buckets is not None:
        buckets.add(keys, article_id)
    if not candidate_ids:
        return ()
    linked: list[int] = []
    stories = {story_id}
    held_rows = pending.rows(candidate_ids) if pending is not None else []
    rows = [(other, other_sig) for other, other_sig, _ in held_rows]
    stored = [other for other in candidate_ids if pending is None or other not in pending.held]
    if stored:
        rows += _stored_signatures(cur, stored, buckets)
        rows.sort()
    rows = [row for row in rows if row[1] is not None]
    scores = similarities(sig, [bytes(row[1]) for row in rows])
    found = [other for (other, _), score in zip(rows, scores, strict=True) if score >= THRESHOLD]
    if not found:
        return ()
    # Story ids only of the copies found (a story merge may change them within the batch).
    story_of = {other: other_story for other, _, other_story in held_rows}
    wanted = [other for other in found if other not in story_of]
    if wanted:
        story_of.update(
            cur.execute(
                f"SELECT id, story_id FROM articles WHERE id IN ({_qmarks(len(wanted))})", wanted
            ).fetchall()
        )
    for (other, _), score in zip(rows, scores, strict=True):
        if score >= THRESHOLD:
            newer, older = max(article_id, other), min(article_id, other)
            link = (newer, older, round(score, 4), found_at)
            if held:
                pending.links.append(link)  # type: ignore[union-attr]
            else:
                cur.execute(LINK, link)
            linked.append(other)
            other_story = story_of.get(other)
            stories.add(other_story if other_story is not None else other)
    _merge_stories(cur, article_id, stories, pending)
    return tuple(sorted(linked))


def _stored_signatures(
    cur: sqlite3.Cursor, ids: list[int], buckets: Buckets | None
) -> list[tuple[int, bytes | None]]:
    """``(id, minhash)`` of stored articles, those the batch read before from its cache."""
    known = buckets.signatures if buckets is not None else {}
    missing = [other for other in ids if other not in known]
    read = (
        cur.execute(
            f"SELECT id, minhash FROM articles WHERE id IN ({_qmarks(len(missing))})", missing
        ).fetchall()
        if missing
        else []
    )
    if buckets is None:
        return read
    known.update(read)
    return [(other, known[other]) for other in ids if other in known]


def _merge_stories(
    cur: sqlite3.Cursor, article_id: int, stories: set[int], pending: Pending | None = None
) -> None:
    """Put ``article_id`` and every article of ``stories`` in the lowest of those stories."""
    if len(stories) > 1:
        keep = min(stories)
        merged = sorted(stories - {keep})
        cur.execute(
            f"UPDATE articles SET story_id = ? "
            f"WHERE story_id IN ({_qmarks(len(merged))}) OR id = ?",
            [keep, *merged, article_id],
        )
        if pending is not None:
            pending.merge(keep, set(merged), article_id)


def link_claim(
    cur: sqlite3.Cursor, article_id: int, claimed_url: str, sig: bytes | None, found_at: str
) -> int | None:
    """Link an article to the one its page names as canonical on another site (a
    syndicated copy and its original), whatever their similarity; the linked id."""
    row = cur.execute(
        "SELECT id, minhash, story_id FROM articles WHERE url = ? UNION ALL "
        "SELECT a.id, a.minhash, a.story_id FROM article_urls u JOIN articles a "
        "ON a.id = u.article_id WHERE u.url = ? AND u.matched_by != 'content' LIMIT 1",
        (claimed_url, claimed_url),
    ).fetchone()
    if row is None or row[0] == article_id:
        return None
    other, other_sig, other_story = row
    score = similarity(sig, other_sig) if sig is not None and other_sig is not None else 0.0
    cur.execute(
        LINK,
        (max(article_id, other), min(article_id, other), round(score, 4), found_at),
    )
    story = cur.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
    _merge_stories(cur, article_id, {story[0] if story else article_id, other_story or other})
    return other


def unindex_signature(
    cur: sqlite3.Cursor, article_id: int, sig: bytes | None, buckets: Buckets | None = None
) -> None:
    keys = band_keys(sig)
    cur.executemany(
        "DELETE FROM minhash_bands WHERE band_key = ? AND article_id = ?",
        [(key, article_id) for key in keys],
    )
    if buckets is not None:
        buckets.remove(keys, article_id)


def _digest(value: bytes | str | None) -> str:
    data = value.encode() if isinstance(value, str) else value or b""
    return hashlib.sha256(data).hexdigest()[:16]


def _signature_and_bands(text: str) -> bytes:
    sig = signature(text) or b""
    return sig + b"".join(key.to_bytes(8, "big") for key in band_keys(sig))


def _probes() -> dict[str, str]:
    return {
        "fold_probe": _digest(index_text(_PROBE_TEXT)),
        # The signature and its bucket keys: either changing re-buckets every article.
        "minhash_probe": _digest(_signature_and_bands(_PROBE_TEXT * 3)),
        "content_probe": content_hash(_PROBE_TEXT, _PROBE_TEXT[::-1])[:16],
    }


def ensure_probes(
    conn: sqlite3.Connection, *, rebuild_index: Callable[[Any], None] | None = None
) -> list[str]:
    """Rebuild whatever index was derived by different code; returns the names rebuilt.

    Runs inside the caller's write transaction. ``rebuild_index`` rebuilds the full-text
    index (another engine's; default :func:`rebuild_fts`).
    """
    stored = dict(
        conn.execute("SELECT key, value FROM archive_meta WHERE key LIKE '%_probe'").fetchall()
    )
    current = _probes()
    rebuilt = []
    if stored and stored.get("fold_probe") != current["fold_probe"]:
        (rebuild_index or rebuild_fts)(conn)
        rebuilt.append("full-text index")
    if stored and stored.get("minhash_probe") != current["minhash_probe"]:
        rebuild_signatures(conn)
        rebuilt.append("near-duplicate signatures")
    if stored and stored.get("content_probe") != current["content_probe"]:
        rebuild_content_hashes(conn)
        rebuilt.append("content hashes")
    if stored != current:
        conn.executemany(
            "INSERT OR REPLACE INTO archive_meta(key, value) VALUES (?, ?)", current.items()
        )
    return rebuilt


def _batches(conn: sqlite3.Connection, sql: str, size: int = 2000) -> Iterator[list[Any]]:
    cursor = conn.execute(sql)
    while rows := cursor.fetchmany(size):
        yield rows


def rebuild_fts(conn: sqlite3.Connection) -> None:
    """Index every article again (never FTS5's own 'rebuild': see :mod:`archiver.store.fts`)."""
    cur = conn.cursor()
    cur.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    for rows in _batches(conn, f"SELECT id, {_FTS_NAMES} FROM articles ORDER BY id"):
        for rowid, *texts in rows:
            fts_insert(cur, rowid, *map(index_text, texts))


def rebuild_signatures(conn: sqlite3.Connection) -> None:
    """Recompute every article's signature and LSH buckets (a batch of bodies at a time)."""
    cur = conn.cursor()
    cur.execute("DELETE FROM minhash_bands")
    for rows in _batches(conn, "SELECT id, body FROM articles ORDER BY id"):
        signatures = minhash_many([index_fold(body) for _, body in rows])
        cur.executemany(
            "UPDATE articles SET minhash = ? WHERE id = ?",
            [(sig, article_id) for (article_id, _), sig in zip(rows, signatures, strict=True)],
        )
        cur.executemany(
            "INSERT OR IGNORE INTO minhash_bands(band_key, article_id) VALUES (?, ?)",
            [
                (key, article_id)
                for (article_id, _), keys in zip(rows, band_keys_many(signatures), strict=True)
                for key in keys
            ],
        )


def rebuild_content_hashes(conn: sqlite3.Connection) -> None:
    """Recompute every stored content hash (articles and their earlier versions), so a
    refetch of unchanged text is not taken for an edit after the key changed."""
    cur = conn.cursor()
    for table in ("articles", "article_versions"):
        for rows in _batches(conn, f"SELECT id, title, body FROM {table} ORDER BY id"):
            cur.executemany(
                f"UPDATE {table} SET content_hash = ? WHERE id = ?",
                [(content_hash(title, body), row_id) for row_id, title, body in rows],
            )


_ORPHANS = {
    "fetches without their body": "SELECT count(*) FROM fetches f WHERE f.sha256 IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM bodies b WHERE b.sha256 = f.sha256)",
    "fetches pointing at a missing article": "SELECT count(*) FROM fetches f "
    "WHERE f.article_id IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = f.article_id)",
    "articles without their fetch": "SELECT count(*) FROM articles a WHERE a.fetch_id IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM fetches f WHERE f.id = a.fetch_id)",
    "articles without their site": "SELECT count(*) FROM articles a "
    "WHERE NOT EXISTS (SELECT 1 FROM sites s WHERE s.name = a.site)",
    **{
        f"{table} rows without their article": f"SELECT count(*) FROM {table} t "
        "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = t.article_id)"
        for table in (
            "article_urls",
            "article_versions",
            "view_counts",
            "near_duplicates",
            "minhash_bands",
        )
    },
    "index entries without an article": f"SELECT count(*) FROM {FTS_TABLE}_docsize d "
    "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.id)",
    "articles missing from the index": f"SELECT count(*) FROM articles a "
    f"WHERE NOT EXISTS (SELECT 1 FROM {FTS_TABLE}_docsize d WHERE d.id = a.id)",
}


def check(conn: sqlite3.Connection) -> list[str]:
    """Consistency problems found (empty when the archive is sound): SQLite, FTS and row links."""
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    try:
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')")
    except sqlite3.OperationalError as error:  # read-only connection: the check is a write
        if "readonly" not in str(error):
            problems.append(f"full-text index: {error}")
    except sqlite3.DatabaseError as error:
        problems.append(f"full-text index: {error}")
    for label, sql in _ORPHANS.items():
        count = conn.execute(sql).fetchone()[0]
        if count:
            problems.append(f"{count} {label}")
    problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
    return problems

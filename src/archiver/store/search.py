"""Full-text search: bm25 ranking over a bounded candidate set, snippets cut from the original text.

The FTS5 index holds folded text, so matching ignores case, diacritics and đ. A
query matching a large part of the archive (a very common word) is ranked over
its :data:`CANDIDATES` most recently archived matches: FTS5 walks its doclist
newest-first without scoring to find where that window starts, then scores only
the window (scoring every match costs seconds at 500,000 articles; a query with a prefix
is scored in the walk itself, as merging its lists twice would cost more). The score is
bm25 of the query's rarer words (:func:`scoring_terms`): FTS5 computes a word's IDF
by walking its whole doclist, hundreds of thousands of entries for a common word,
and bm25 gives a word in more than half of the articles a weight of 1e-6 anyway. For
a query of plain words, pages containing them as a phrase come first among the best
:data:`PHRASE_POOL`. Snippets and ``--exact`` work on the original text: a match
found in the folded text maps back by position, because folding keeps one
character per character.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from typing import Any

from archiver.dates.stored import period_clauses
from archiver.errors import QueryError
from archiver.store.folding import index_fold
from archiver.store.query import (
    COLUMNS,
    And,
    Node,
    Not,
    Or,
    Query,
    Term,
    all_terms,
    evaluate,
    parse,
)
from archiver.store.results import SearchHit
from archiver.store.schema import FTS_TABLE

__all__ = [
    "CANDIDATES",
    "WEIGHTS",
    "article_filters",
    "iter_search",
    "query_words",
    "scoring_terms",
    "search",
    "snippet",
]

#: Names the temporary table of each filtered search on a connection.
_KEPT = itertools.count()
#: Matches ranked per query at most (the newest ones); bounds the cost of very common words.
CANDIDATES = 5_000
#: A word in more than this share of the articles does not count in the score (bm25 gives
#: it a weight of 1e-6 anyway); it must still match.
SCORED_SHARE = 0.5
#: Matches read from each end of a word's list to estimate its share of the articles.
SHARE_PROBE = 1_000
#: Best-ranked results among which pages containing the query's words as a phrase come first.
PHRASE_POOL = 200
#: bm25 weights of the title, lead, body and captions columns (the lead is also in the body,
#: so a word in the lead counts 2 + 1).
WEIGHTS = (10.0, 2.0, 1.0, 1.0)
SNIPPET_CHARS = 240
MAX_LIMIT = 10_000


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _folded_with_map(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, if folding changed its length, a folded→original offset map."""
    folded = index_fold(text)
    if len(folded) == len(text):
        return folded, None
    pieces, offsets = [], []
    for index, char in enumerate(text):
        piece = index_fold(char)
        pieces.append(piece)
        offsets.extend([index] * len(piece))
    offsets.append(len(text))
    return "".join(pieces), offsets


def _spans(text: str, terms: tuple[Term, ...], exact: bool) -> list[tuple[int, int, Term]]:
    """Where each term occurs in ``text`` (original offsets), sorted."""
    folded, offsets = _folded_with_map(text)
    found = []
    for term in terms:
        for match in _regex(term.pattern()).finditer(folded):
            start, end = match.span()
            if offsets is not None:
                start, end = offsets[start], offsets[end]
            if not exact or term.exact(text[start:end]):
                found.append((start, end, term))
    found.sort(key=lambda span: (span[0], -span[1]))
    return found


def snippet(
    text: str, terms: tuple[Term, ...], exact: bool = False
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of ``text`` around the densest cluster of matches, and the match spans in it."""
    text = text.replace("\n", " ")
    spans = _spans(text, terms, exact)
    start = 0
    if spans:
        reach = SNIPPET_CHARS * 3 // 4
        # The window with the most distinct terms, a phrase counting once per word.
        best = max(
            range(len(spans)),
            key=lambda i: sum(
                len(term.words)
                for term in {s[2] for s in spans if spans[i][0] <= s[0] < spans[i][0] + reach}
            ),
        )
        start = max(0, spans[best][0] - SNIPPET_CHARS // 4)
        if start > 0:
            space = text.find(" ", start, spans[best][0])
            start = space + 1 if space >= 0 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start + SNIPPET_CHARS // 2, end)
        end = space if space > 0 else end
    head = "… " if start > 0 else ""
    tail = " …" if end < len(text) else ""
    shift = len(head) - start
    highlights: list[tuple[int, int]] = []
    for begin, finish, _ in spans:
        if (
            begin >= start
            and finish <= end
            and (not highlights or begin + shift >= highlights[-1][1])
        ):
            highlights.append((begin + shift, finish + shift))
    return head + text[start:end] + tail, tuple(highlights)


def _exact_match(query: Query, row: dict[str, Any]) -> bool:
    terms = tuple(all_terms(query.root))
    found: set[Term] = set()
    for column in COLUMNS:
        # One folding of each column serves every term still unmatched.
        wanted = tuple(t for t in terms if t not in found and t.column in (None, column))
        if row[column] and wanted:
            found.update(span[2] for span in _spans(row[column], wanted, True))
    return evaluate(query.root, {term: term in found for term in terms})


def article_filters(
    site: str | None, since: str | None, until: str | None, author: str | None
) -> tuple[list[str], dict[str, str]]:
    """SQL conditions on ``articles a`` (with named parameters) for the common filters."""
    clauses, params = period_clauses(since, until, "a.published_at")
    if site:
        clauses.append("a.site = :site")
        params["site"] = site
    if author:
        folded = " ".join(index_fold(author).split())
        if not folded:
            raise QueryError(f"--author {author!r} has no letters to match")
        # Whole words of the folded author name: "an" finds "Ngọc An", not "Anh".
        clauses.append(
            "instr(' ' || vn_fold(coalesce(a.author, a.author_raw, '')) || ' ', :author) > 0"
        )
        params["author"] = f" {folded} "
    return clauses, params


def _ranked(
    conn: sqlite3.Connection, query: Query, clauses: list[str], params: dict[str, Any]
) -> Iterator[tuple[int, float]]:
    """Yield (article id, bm25) best first, page by page, over the bounded candidate window.

    Filters on site and dates are answered by the index on ``(site, published_at)``: the
    ids it gives go to a temporary table (of this connection, dropped after the search),
    bound the full-text walk (their first and last) and are looked up there, so no
    article row is read for a match that does not pass (a row's site and date lie past
    its text). An author filter reads the rows.
    """
    if clauses and "author" not in params:
        kept = f"search_kept_{next(_KEPT)}"
        conn.execute(f"CREATE TEMP TABLE {kept}(id INTEGER PRIMARY KEY)")
        try:
            conn.execute(
                f"INSERT INTO temp.{kept} SELECT a.id FROM articles a WHERE "
                + " AND ".join(clauses),
                params,
            )
            # (One aggregate per SELECT: SQLite reads min() or max() off the b-tree's end,
            # but scans the table for both at once.)
            first, last = conn.execute(
                f"SELECT (SELECT min(id) FROM temp.{kept}), (SELECT max(id) FROM temp.{kept})"
            ).fetchone()
            if first is None:
                return  # no article passes the filters
            # (The unary + keeps the IN test out of the full-text index's own constraints.)
            where = (
                f"{FTS_TABLE} MATCH :match AND {FTS_TABLE}.rowid BETWEEN :first_id AND :last_id"
                f" AND +{FTS_TABLE}.rowid IN (SELECT id FROM temp.{kept})"
            )
            bounds = {"first_id": first, "last_id": last}
            yield from _ranked_where(conn, query, "", where, {**params, **bounds})
        finally:
            conn.execute(f"DROP TABLE IF EXISTS temp.{kept}")
        return
    join = f" CROSS JOIN articles a ON a.id = {FTS_TABLE}.rowid" if clauses else ""
    where = " AND ".join([f"{FTS_TABLE} MATCH :match", *clauses])
    yield from _ranked_where(conn, query, join, where, params)


def _ranked_where(
    conn: sqlite3.Connection, query: Query, join: str, where: str, params: dict[str, Any]
) -> Iterator[tuple[int, float]]:
    scoring = scoring_terms(query, _shares(conn, query))
    filtered = where != f"{FTS_TABLE} MATCH :match"
    weights = ", ".join(map(str, WEIGHTS))
    # A query with a prefix, ranked by its own bm25, is scored as its candidates are read:
    # a second statement would merge the lists of every word the prefix starts again
    # (hundreds of milliseconds). (For other queries, bm25 in the walk costs more than the
    # second walk: positions are then read for every match visited.)
    scored = scoring is None and any(term.prefix for term in all_terms(query.root))
    # The candidates: the newest matches, read off the index newest-first.
    found = conn.execute(
        f"SELECT {FTS_TABLE}.rowid"
        f"{f', bm25({FTS_TABLE}, {weights})' if scored else ''} FROM {FTS_TABLE}{join} "
        f"WHERE {where} ORDER BY {FTS_TABLE}.rowid DESC LIMIT :window",
        {**params, "match": query.fts, "window": CANDIDATES},
    ).fetchall()
    if not found:
        return
    if scored:
        # Best first; equal scores in the order of their ids, as the scoring query gives them.
        rows = sorted(found, key=lambda row: (row[1], row[0]))
        yield from _phrase_first(conn, query, rows)
        return
    ids = [row[0] for row in found]
    # Without filters, the query's matches between the first and last candidate are the
    # candidates; otherwise (or when other words score) each row is looked up among them
    # (the unary + keeps that test out of the full-text index's own constraints).
    params = {
        "rank": query.fts if scoring is None else " OR ".join(term.fts() for term in scoring),
        "low": ids[-1],
        "high": ids[0],
        "ids": json.dumps(ids) if filtered or scoring is not None else "[]",
    }
    sql = (
        f"SELECT {FTS_TABLE}.rowid, bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH :rank AND {_WINDOW}"
        f"{_AMONG if filtered or scoring is not None else ''} "
        "ORDER BY score LIMIT :size OFFSET :offset"
    )
    if scoring == ():
        ordered = _by_column(conn, query, ids, filtered)
        if query.phrase is not None:  # (else nothing is reordered: read only what is asked)
            yield from _phrase_first(conn, query, list(itertools.islice(ordered, PHRASE_POOL)))
        yield from ordered
        return
    offset, size = 0, PHRASE_POOL
    seen: set[int] = set()
    while True:
        rows = conn.execute(sql, {**params, "size": size, "offset": offset}).fetchall()
        if offset == 0:
            rows = _phrase_first(conn, query, rows)
        seen.update(row[0] for row in rows)
        yield from rows
        if len(rows) < size:
            break
        offset += size
    # Matches no scoring word covers (only the prefixes of an OR): last, newest first.
    yield from ((article_id, 0.0) for article_id in ids if article_id not in seen)


_WINDOW = f"{FTS_TABLE}.rowid BETWEEN :low AND :high"
_AMONG = f" AND +{FTS_TABLE}.rowid IN (SELECT value FROM json_each(:ids))"


def _newest_first(
    conn: sqlite3.Connection, sql: str, params: dict[str, Any], most: int
) -> Iterable[tuple[Any, ...]]:
    """The rows of ``sql``, a full-text walk whose rowid order is left as ``{order}``,
    newest first.

    FTS5 walks a doclist newest first at about three times the cost of oldest first (three
    common words over 500,000 articles: 18.5 against 6.3 ms), so a walk of fewer than
    ``most`` rows is read oldest first and turned round; one that holds more is read
    newest first, lazily, where its caller stops early.
    """
    found = conn.execute(sql.format(order="ASC") + f" LIMIT {most}", params).fetchall()
    if len(found) < most:
        return reversed(found)
    return conn.execute(sql.format(order="DESC"), params)


def _by_column(
    conn: sqlite3.Connection, query: Query, ids: list[int], filtered: bool
) -> Iterator[tuple[int, float]]:
    """The candidates of a query of common words only: those holding the query in their
    title first, then in their lead, then the others, newest first in each; the score
    is the column's bm25 weight (10, 2, 0). Read lazily: the first page costs little."""
    params = {"low": ids[-1], "high": ids[0], "ids": json.dumps(ids) if filtered else "[]"}
    seen: set[int] = set()
    for column, weight in zip(COLUMNS[:2], WEIGHTS[:2], strict=True):
        found = conn.execute(
            f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :inside "
            f"AND {_WINDOW}{_AMONG if filtered else ''} ORDER BY {FTS_TABLE}.rowid DESC",
            {**params, "inside": f"{column} : ({query.fts})"},
        )
        for (article_id,) in found:
            if article_id not in seen:
                seen.add(article_id)
                yield article_id, -weight
    yield from ((article_id, 0.0) for article_id in ids if article_id not in seen)


def _phrase_first(
    conn: sqlite3.Connection, query: Query, rows: list[tuple[int, float]]
) -> list[tuple[int, float]]:
    """``rows`` with those of the first :data:`PHRASE_POOL` holding the query's words as a
    phrase moved to the front of them (for a query of plain words)."""
    if query.phrase is None or not rows:
        return rows
    pool = rows[:PHRASE_POOL]
    ids = [row[0] for row in pool]
    # Scoring the phrase with bm25 would cost a scan of the whole index (its IDF); its
    # newest matches in the pool's range (a bounded walk: a common phrase stops it early)
    # cost a few milliseconds.
    most = PHRASE_POOL * 5
    found = _newest_first(
        conn,
        f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase "
        f"AND {_WINDOW} ORDER BY {FTS_TABLE}.rowid {{order}}",
        {"phrase": query.phrase.fts(), "low": min(ids), "high": max(ids)},
        most,
    )
    phrased = {row[0] for row in itertools.islice(found, most)}
    return sorted(pool, key=lambda row: row[0] not in phrased) + rows[PHRASE_POOL:]


def _words(node: Node) -> Iterator[Term | None]:
    """Each word of the query's positive terms as a one-word term (None for a prefix term)."""
    if isinstance(node, Term):
        if node.prefix:
            yield None
        else:
            yield from _term_words(node)
    elif isinstance(node, Not):
        yield from _words(node.keep)
    else:
        for item in node.items:
            yield from _words(item)


def query_words(query: Query) -> list[Term]:
    """The distinct words of the query's positive terms (prefixes aside), as one-word terms."""
    return [word for word in dict.fromkeys(_words(query.root)) if word is not None]


def _term_words(term: Term) -> list[Term]:
    return [Term((word,), (word,), False, term.column) for word in term.words]


def _covered(node: Node, kept: dict[Term, None]) -> bool:
    """Whether every article ``node`` matches holds one of the ``kept`` words."""
    if isinstance(node, Term):
        return not node.prefix and any(word in kept for word in _term_words(node))
    if isinstance(node, Not):
        return _covered(node.keep, kept)
    if isinstance(node, And):
        return any(_covered(item, kept) for item in node.items)
    return all(_covered(item, kept) for item in node.items)


def _cover(node: Node, kept: dict[Term, None], shares: dict[Term, float]) -> bool:
    """Add the rarest words needed for every match of ``node`` to hold a kept word.

    False when a match may hold only prefixes (which never score).
    """
    if _covered(node, kept):
        return True
    if isinstance(node, Term):
        if node.prefix:
            return False
        kept[min(_term_words(node), key=lambda word: shares[word])] = None
        return True
    if isinstance(node, Not):
        return _cover(node.keep, kept, shares)
    if isinstance(node, Or):
        return all([_cover(item, kept, shares) for item in node.items])
    # An AND: cover the item holding its rarest word.
    items = sorted(
        node.items,
        key=lambda item: min(
            (shares[word] for word in _words(item) if word is not None), default=2.0
        ),
    )
    return any(_cover(item, kept, shares) for item in items)


def scoring_terms(query: Query, shares: dict[Term, float]) -> tuple[Term, ...] | None:
    """The words whose bm25 ranks the matches: None to rank with the whole query's bm25,
    ``()`` when no word is rare enough to score.

    ``shares`` holds each word's estimated share of the archive's articles
    (:func:`_shares`). A word in more than :data:`SCORED_SHARE` of them is left out of the
    score (it must still match; bm25 weighs it 1e-6). When every word is that common,
    nothing scores (``()``: the matches are ordered by where the query is found, title
    first, see :func:`_by_column`). Every side of an OR keeps a scoring word, its rarest
    when all of its words are common. Prefix terms never score (their list is every word
    they start): a query of prefixes only is ranked by bm25 of the whole query, and a
    match holding only the prefix side of an OR comes after the scored ones.
    """
    words = query_words(query)
    if not words:
        return None
    kept = dict.fromkeys(word for word in words if shares[word] <= SCORED_SHARE)
    if not kept:
        return ()
    _cover(query.root, kept, shares)
    plain = (query.root,) if isinstance(query.root, Term) else query.root.items
    if (
        len(kept) == len(words)
        and isinstance(query.root, Term | And)
        and all(
            isinstance(item, Term) and len(item.words) == 1 and not item.prefix for item in plain
        )
    ):
        return None  # the same words as the query: its own bm25, without the extra lookup
    return tuple(word for word in words if word in kept)


def _shares(conn: sqlite3.Connection, query: Query) -> dict[Term, float]:
    """Each query word's share of the articles, estimated from both ends of its list.

    The :data:`SHARE_PROBE`-th match from the newest and from the oldest end tell how
    densely the word occurs there; the lower of the two densities is the estimate (a
    word that is news this week is not taken for a common one). A word with fewer
    matches has a share of at most ``SHARE_PROBE`` articles: 0 here (it is scored).
    """
    words = query_words(query)
    if not words:
        return {}
    first, last = conn.execute(
        "SELECT (SELECT min(id) FROM articles), (SELECT max(id) FROM articles)"
    ).fetchone()
    shares: dict[Term, float] = {}
    for word in words:
        ends = []
        for order, edge in (("DESC", last), ("ASC", first)):
            found = conn.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? "
                f"ORDER BY rowid {order} LIMIT 1 OFFSET ?",
                (word.fts(), SHARE_PROBE - 1),
            ).fetchone()
            if found is None:
                break
            ends.append(SHARE_PROBE / (abs(found[0] - edge) + 1))
        shares[word] = min(ends) if len(ends) == 2 else 0.0
    return shares


def _load(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    columns = ("id", "url", "site", "title", "lead", "body", "captions", "published_at", "author")
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT {', '.join(columns)} FROM articles WHERE id IN ({marks})", ids)
    loaded = {row[0]: dict(zip(columns, row, strict=True)) for row in rows}
    for row in loaded.values():
        # (Stored as a JSON list: shown one caption a line.)
        captions = row["captions"]
        row["captions"] = "\n".join(json.loads(captions)) if captions not in (None, "[]") else ""
    return loaded


def iter_search(
    conn: sqlite3.Connection,
    text: str,
    *,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    author: str | None = None,
    limit: int = 20,
    exact: bool = False,
    ranker: Callable[..., Iterator[tuple[int, float]]] | None = None,
) -> Iterator[SearchHit]:
    """The hits of :func:`search`, best first, as they are found (a page of rows at a time).

    ``ranker`` ranks the matches on another engine (PostgreSQL's ``ts_rank``); it is
    called as ``ranker(conn, query, clauses, params, window, pool)``.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"--limit must be between 1 and {MAX_LIMIT:,}, not {limit}")
    query = parse(text)
    clauses, params = article_filters(site, since, until, author)
    terms = query.positive_terms
    found = 0
    pending: list[tuple[int, float]] = []
    try:
        rows = (
            ranker(conn, query, clauses, params, CANDIDATES, PHRASE_POOL)
            if ranker is not None
            else _ranked(conn, query, clauses, params)
        )
        for row in rows:
            pending.append(row)
            if len(pending) < (limit - found if not exact else 50):
                continue
            for hit in _hits(conn, query, pending, terms, exact)[: limit - found]:
                found += 1
                yield replace(hit, rank=found)
            pending = []
            if found >= limit:
                return
        for hit in _hits(conn, query, pending, terms, exact)[: limit - found]:
            found += 1
            yield replace(hit, rank=found)
    except sqlite3.OperationalError as error:
        if "fts5" in str(error) or "syntax" in str(error):
            raise QueryError(f"cannot search for {text!r}: {error}") from error
        raise


def search(conn: sqlite3.Connection, text: str, **options: Any) -> list[SearchHit]:
    """Up to ``limit`` articles matching ``text``, best first (see the module docstring)."""
    return list(iter_search(conn, text, **options))


def _hits(
    conn: sqlite3.Connection,
    query: Query,
    rows: list[tuple[int, float]],
    terms: tuple[Term, ...],
    exact: bool,
) -> list[SearchHit]:
    articles = _load(conn, [article_id for article_id, _ in rows])
    hits = []
    for article_id, score in rows:
        row = articles.get(article_id)
        if row is None or (exact and not _exact_match(query, row)):
            continue
        text, highlights = snippet(row["body"] or row["lead"] or row["title"] or "", terms, exact)
        if not highlights and row["captions"]:
            # Found in a caption only: show the caption.
            in_captions = snippet(row["captions"], terms, exact)
            if in_captions[1]:
                text, highlights = in_captions
        hits.append(
            SearchHit(
                article_id=article_id,
                url=row["url"],
                site=row["site"],
                title=row["title"],
                published_at=row["published_at"],
                author=row["author"],
                snippet=text,
                score=-score,
                highlights=highlights,
            )
        )
    return hits

"""Full-text search on PostgreSQL: the ``articles.search`` tsvector and queries over it.

The column holds exactly what the SQLite index holds (:func:`archiver.store.fts.index_text`
of each column: the project's folding, đ → d included, then the column's đ-words), in
the ``simple`` configuration (no stemming, no stop words), one weight per column:

=========  ======  ===================
column     weight  rank weight (×10)
=========  ======  ===================
title      A       10
lead       B       2
captions   C       1
body       D       1
=========  ======  ===================

A parsed query (:mod:`archiver.store.query`) becomes a ``tsquery``: words ``&``, ``|``,
``!``, phrases ``<->``, prefixes ``:*``, and ``title:`` (or another column) a weight
filter such as ``'bao':A``. Ranking is ``ts_rank`` with the weights above over the
newest :data:`~archiver.store.search.CANDIDATES` matches, pages holding a query's
words as a phrase first among the best; snippets are cut from the original text by
:func:`archiver.store.search.snippet`, as on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archiver.store.fts import FTS_COLUMNS, index_text
from archiver.store.query import And, Node, Not, Or, Query, Term, with_column
from archiver.store.search import query_words, scoring_terms

__all__ = [
    "WEIGHT_LABELS",
    "fts_delete",
    "fts_insert",
    "ranked",
    "rebuild",
    "shares",
    "tsquery",
]

#: The tsvector weight of each indexed column.
WEIGHT_LABELS = {"title": "A", "lead": "B", "captions": "C", "body": "D"}
#: ``ts_rank`` weights in its order {D, C, B, A}: body, captions, lead, title (the
#: SQLite ranking's 1, 1, 2, 10, scaled into ts_rank's 0-1).
RANK_WEIGHTS = "{0.1, 0.1, 0.2, 1.0}"

VECTOR = " || ".join(
    f"setweight(to_tsvector('simple', ?), '{WEIGHT_LABELS[name]}')" for name in FTS_COLUMNS
)


def fts_insert(cur: Any, rowid: int, *texts: str | bytes) -> None:
    """Index an article: ``texts`` are the index forms of its FTS columns, in order (or
    their UTF-8, as the drafting process sends them: ``to_tsvector`` takes text)."""
    values = [text.decode() if isinstance(text, bytes) else text for text in texts]
    cur.execute(f"UPDATE articles SET search = {VECTOR} WHERE id = ?", (*values, rowid))


def fts_delete(cur: Any, rowid: int, *originals: str | None) -> None:
    """Nothing to do: the next :func:`fts_insert` replaces the row's vector whole."""


def rebuild(conn: Any) -> None:
    """Compute every article's vector again (the folding code changed)."""
    rows = conn.execute(f"SELECT id, {', '.join(FTS_COLUMNS)} FROM articles ORDER BY id")
    cur = conn.cursor()
    for rowid, *texts in rows.fetchall():
        fts_insert(cur, rowid, *map(index_text, texts))


def _lexeme(word: str, weight: str, prefix: bool) -> str:
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    marks = ("*" if prefix else "") + weight
    return f"{quoted}:{marks}" if marks else quoted


def _term(term: Term) -> str:
    weight = WEIGHT_LABELS[term.column] if term.column else ""
    last = len(term.words) - 1
    parts = [
        _lexeme(word, weight, term.prefix and index == last)
        for index, word in enumerate(term.words)
    ]
    return "(" + " <-> ".join(parts) + ")"


def tsquery(node: Node) -> str:
    """The ``to_tsquery('simple', …)`` text of a parsed query (every word quoted)."""
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Not):
        return f"({tsquery(node.keep)} & !{tsquery(node.drop)})"
    joiner = " & " if isinstance(node, And) else " | "
    assert isinstance(node, And | Or)
    return "(" + joiner.join(tsquery(item) for item in node.items) + ")"


def shares(conn: Any, query: Query) -> dict[Term, float]:
    """Each query word's share of the articles, from the planner's statistics of ``search``.

    ``ANALYZE`` (autovacuum runs it) keeps the most common lexemes of the column with the
    share of rows holding each; a word not among them is rarer than all of those: 0 here
    (it is scored). A word limited to a column is given its share in any column.
    """
    words = query_words(query)
    row = conn.execute(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = 'articles' AND attname = 'search'"
    ).fetchone()
    common = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    return {word: float(common.get(word.words[0], 0.0)) for word in words}


def ranked(
    conn: Any, query: Query, clauses: list[str], params: dict[str, Any], window: int, pool: int
) -> Iterator[tuple[int, float]]:
    """(article id, score) best first (lower is better, as bm25), over the newest ``window``
    matches; among the best ``pool``, those holding the query's words as a phrase first.

    ``ts_rank`` scores the words :func:`~archiver.store.search.scoring_terms` picks (the
    rarer ones), as the SQLite ranking does (matches holding only prefixes of an OR, which
    no scoring word covers, come last, newest first); a query of common words only puts
    the matches holding it in the title first, then in the lead, newest first in each."""
    where = " AND ".join(["a.search @@ to_tsquery('simple', :tsq)", *clauses])
    scoring = scoring_terms(query, shares(conn, query))
    params = {**params, "tsq": tsquery(query.root), "window": window}
    if scoring == ():
        params["title"] = tsquery(with_column(query.root, "title"))
        params["lead"] = tsquery(with_column(query.root, "lead"))
        score = (
            "CASE WHEN search @@ to_tsquery('simple', :title) THEN -10 "
            "WHEN search @@ to_tsquery('simple', :lead) THEN -2 ELSE 0 END"
        )
    else:
        params["rank"] = (
            " | ".join(_term(word) for word in scoring) if scoring else tsquery(query.root)
        )
        score = f"-ts_rank('{RANK_WEIGHTS}', search, to_tsquery('simple', :rank))"
    sql = (
        f"SELECT id, {score} AS score "
        f"FROM (SELECT a.id, a.search FROM articles a WHERE {where} "
        "ORDER BY a.id DESC LIMIT :window) AS candidates "
        "ORDER BY score, id DESC LIMIT :size OFFSET :offset"
    )
    offset = 0
    while True:
        rows = conn.execute(sql, {**params, "size": pool, "offset": offset}).fetchall()
        if offset == 0 and query.phrase is not None:
            phrased = {
                row[0]
                for row in conn.execute(
                    f"SELECT a.id FROM articles a WHERE {where} "
                    "AND a.search @@ to_tsquery('simple', :phrase) ORDER BY a.id DESC LIMIT :cap",
                    {**params, "phrase": _term(query.phrase), "cap": pool * 5},
                )
            }
            rows.sort(key=lambda row: row[0] not in phrased)
        yield from ((row[0], float(row[1])) for row in rows)
        if len(rows) < pool:
            return
        offset += pool

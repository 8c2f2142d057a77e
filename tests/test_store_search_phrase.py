"""Phrase first: the best-ranked pages holding the query's words as a phrase come first,
as the newest bounded set of the phrase's matches says, however that set is read."""

from __future__ import annotations

import pytest

from archiver.store import search as search_module
from archiver.store.query import parse
from store_support import built_archive, dated_pages, passing_ids

SITES = ("vnexpress", "dantri")


def body(n: int) -> str:
    # Every page holds "đà" and "nẵng"; every third as the phrase "Đà Nẵng", the others
    # apart. Repeats vary, so bm25 spreads the phrase pages through the ranking.
    together = n % 3 == 0
    words = "ở Đà Nẵng" if together else "đà tăng, còn ở Nẵng"
    return f"Tin số {n}: {' '.join([words] * (1 + n % 4))} hôm nay, {'mưa ' * (n % 5)}xong."


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("phrase") / "archive.db"
    yield from built_archive(path, dated_pages(body, SITES, 180))


def expected(archive, text, pool, site=None):
    """The ranking as first written: the best ``pool`` by bm25, those among the newest
    ``5 * pool`` matches of the phrase in their range moved first (newest read first)."""
    query = parse(text)
    passing = passing_ids(archive, site, None)
    weights = ", ".join(map(str, search_module.WEIGHTS))
    scored = archive.conn.execute(
        f"SELECT rowid, bm25(articles_fts, {weights}) FROM articles_fts "
        "WHERE articles_fts MATCH ? ORDER BY rowid DESC",
        (query.fts,),
    ).fetchall()
    ranked = sorted((row for row in scored if row[0] in passing), key=lambda r: (r[1], r[0]))
    best = [row[0] for row in ranked[:pool]]
    phrased = {
        row[0]
        for row in archive.conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid BETWEEN ? AND ? "
            "ORDER BY rowid DESC LIMIT ?",
            (query.phrase.fts(), min(best), max(best), 5 * pool),
        )
    }
    return sorted(best, key=lambda id_: id_ not in phrased) + [r[0] for r in ranked[pool:]]


@pytest.mark.parametrize(
    "pool",
    [
        2,  # the bound (10) below the phrase's matches in the pool's range: the newest count
        8,  # about as many (40)
        60,  # every match of the phrase within the bound (300)
    ],
)
@pytest.mark.parametrize("site", [None, "dantri"])
@pytest.mark.parametrize("text", ["Đà Nẵng", "da nang"])
def test_pages_holding_the_phrase_come_first_among_the_best_as_before(
    archive, monkeypatch, text, site, pool
):
    monkeypatch.setattr(search_module, "PHRASE_POOL", pool)
    hits = archive.search(text, site=site, limit=200)
    assert [hit.article_id for hit in hits] == expected(archive, text, pool, site)


def phrase_walks(archive, text):
    """The order (ASC or DESC) of each walk over the phrase's matches a search of ``text`` ran."""
    walks = []
    archive.conn.set_trace_callback(walks.append)
    try:
        archive.search(text, limit=20)
    finally:
        archive.conn.set_trace_callback(None)
    phrase = parse(text).phrase.fts()
    return [sql.split("rowid ")[-1].split()[0] for sql in walks if phrase in sql]


def test_a_phrase_with_fewer_matches_than_the_bound_is_read_oldest_first(archive):
    # FTS5 walks a doclist backwards at about three times the cost of forwards.
    assert phrase_walks(archive, "da nang") == ["ASC"]


def test_a_phrase_with_more_matches_than_the_bound_is_read_newest_first(archive, monkeypatch):
    monkeypatch.setattr(search_module, "PHRASE_POOL", 2)
    assert phrase_walks(archive, "da nang") == ["ASC", "DESC"]

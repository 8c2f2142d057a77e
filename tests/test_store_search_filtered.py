"""Filtered search: the newest matches passing the filters, ranked by bm25, as one SQL says."""

from __future__ import annotations

import itertools

import pytest

from archiver.store import search as search_module
from archiver.store.query import parse
from store_support import built_archive, dated_pages, passing_ids

SITES = ("vnexpress", "dantri", "tuoitre")
WORDS = ("bão", "lũ", "mưa", "nắng", "mư*", "bã*", "lu*")


def body(n: int) -> str:
    # Words repeated a varying number of times: varied scores, and articles alike in
    # every count (same length, same words) to score exactly alike.
    rain = " ".join(["mưa lớn"] * (1 + n % 3))
    storm = " ".join(["bão"] * (1 + n % 4))
    extra = "lũ quét ở miền núi" if n % 5 == 0 else "nắng nóng kéo dài"
    return f"Bản tin thời tiết mã {n}: {rain}, {storm}; {extra}."


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("filtered") / "archive.db"
    yield from built_archive(path, dated_pages(body, SITES, 240))


def expected(archive, word, window, site=None, since=None):
    """The newest ``window`` matches passing the filters, best bm25 first, equal scores by id."""
    passing = passing_ids(archive, site, since)
    weights = ", ".join(map(str, search_module.WEIGHTS))
    matches = archive.conn.execute(
        f"SELECT rowid, bm25(articles_fts, {weights}) FROM articles_fts "
        "WHERE articles_fts MATCH ? ORDER BY rowid DESC",
        (parse(word).fts,),
    ).fetchall()
    newest = [row for row in matches if row[0] in passing][:window]
    return [row[0] for row in sorted(newest, key=lambda row: (row[1], row[0]))]


@pytest.mark.parametrize("window", [5, 40, 5_000])
@pytest.mark.parametrize(
    ("site", "since"),
    [
        (None, None),
        ("dantri", None),  # a third of the archive
        ("dantri", "2024-06"),  # a sixth of it, spread over its whole range
        (None, "2024-12"),  # a twelfth
        ("tuoitre", "2024-12"),  # a handful
        ("tuoitre", "2025-01"),  # nothing
    ],
)
@pytest.mark.parametrize("word", WORDS)
def test_a_filtered_search_ranks_the_newest_matches_passing_the_filters(
    archive, monkeypatch, word, site, since, window
):
    monkeypatch.setattr(search_module, "CANDIDATES", window)
    hits = archive.search(word, site=site, since=since, limit=300)
    assert [hit.article_id for hit in hits] == expected(archive, word, window, site, since)


@pytest.mark.parametrize("word", ["bão", "bã*"])
def test_articles_scoring_alike_come_in_the_order_of_their_ids(archive, word):
    hits = archive.search(word, site="dantri", limit=300)
    scores = [hit.score for hit in hits]
    assert len(set(scores)) < len(scores)  # (the archive holds such ties)
    for before, after in itertools.pairwise(hits):
        if before.score == after.score:
            assert before.article_id < after.article_id
